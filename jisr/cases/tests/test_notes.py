"""Notes on a case: plain or sensitive; a sensitive note is encrypted in the database, read
only by its author, the assigned worker and the centre's manager, each reading audited."""

import pytest
from django.db import connection

from jisr.cases import casework_services as casework
from jisr.cases.casework import CaseNote
from jisr.cases.models import CaseEvent
from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.testing.personas import CANARY_SENSITIVE, OUTSIDER

SECRET = "Signale des violences du conjoint"


@pytest.fixture
def secret(world, case):
    return casework.note_add(actor=world.youssef, case=case, text=SECRET, sensitive=True)


def _raw(note):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, secret_text FROM cases_casenote WHERE id = %s",
                       [note.pk])
        return cursor.fetchone()


def test_a_sensitive_note_is_encrypted_in_the_database(world, secret):
    text, stored = _raw(secret)
    assert text == "" and SECRET not in stored and stored.startswith("gAAAA")  # Fernet
    assert CaseNote.objects.get(pk=secret.pk).secret_text == SECRET


def test_a_plain_note_is_plain_and_on_the_timeline(world, case):
    note = casework.note_add(actor=world.youssef, case=case, text="Appel de la soeur")
    assert _raw(note) == ("Appel de la soeur", None)
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, note="Appel de la soeur").exists()


def test_the_timeline_does_not_carry_the_sensitive_text(world, case, secret):
    event = case.events.filter(kind=CaseEvent.Kind.NOTE).last()
    assert SECRET not in event.note


@pytest.mark.parametrize("reader", ["youssef", "khadija"])
def test_the_author_and_the_manager_read_it_and_each_reading_is_audited(world, case,
                                                                        secret, reader):
    note = casework.note_read(user=world.users[reader], case=case, note_id=secret.pk)
    assert note.secret_text == SECRET
    entry = AuditEntry.objects.get(action="cases.note.read_sensitive")
    assert entry.actor == world.users[reader] and entry.object_id == str(secret.pk)


def test_the_assigned_worker_reads_a_note_written_by_the_manager(world, case):
    note = casework.note_add(actor=world.khadija, case=case, text=SECRET, sensitive=True)
    assert casework.note_read(user=world.youssef, case=case, note_id=note.pk).secret_text


def test_a_colleague_of_the_centre_does_not_read_it(world, case, secret):
    with pytest.raises(AccessDenied):
        casework.note_read(user=world.amina, case=case, note_id=secret.pk)
    with pytest.raises(AccessDenied):
        casework.note_read(user=world.users["marrakech_worker"], case=case,
                           note_id=secret.pk)
    assert not AuditEntry.objects.filter(action="cases.note.read_sensitive").exists()


def test_an_empty_note_is_refused(world, case):
    before = CaseNote.objects.count()
    with pytest.raises(ValidationFailed):
        casework.note_add(actor=world.youssef, case=case, text="   ")
    assert CaseNote.objects.count() == before


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid", "amina"])
def test_who_may_not_write_notes_writes_none(world, case, persona):
    before = CaseNote.objects.count()
    with pytest.raises((NotFound, AccessDenied)):
        casework.note_add(actor=world.users[persona], case=case, text="x")
    assert CaseNote.objects.count() == before


# --- pages -------------------------------------------------------------------------------

def test_the_casework_page_lists_notes_without_sensitive_text(world, case, client_for,
                                                              django_assert_max_num_queries):
    client = client_for("amina")
    with django_assert_max_num_queries(16):
        response = client.get(f"/cases/{case.pk}/casework/")
    page = response.content.decode()
    assert "Rendez-vous pris avec la coopérative" in page  # the world's plain note
    assert CANARY_SENSITIVE not in page
    assert "Only its author" in page  # amina cannot open it


def test_writing_a_sensitive_note_then_reading_it_on_its_page(world, case, client_for):
    client = client_for("youssef", "fr")
    response = client.post(f"/cases/{case.pk}/notes/", {"text": SECRET, "sensitive": "on"})
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case, sensitive=True, author=world.youssef,
                                text="", pk__gt=world.notes["sensitive"].pk)
    page = client.get(f"/cases/{case.pk}/notes/{note.pk}/").content.decode()
    assert SECRET in page
    assert AuditEntry.objects.filter(action="cases.note.read_sensitive",
                                     object_id=str(note.pk)).count() == 1


def test_an_empty_note_from_the_page_gets_a_translated_error(world, case, client_for):
    before = CaseNote.objects.count()
    response = client_for("youssef", "fr").post(f"/cases/{case.pk}/notes/", {"text": ""})
    assert response.status_code == 400
    assert "Écrivez la note" in response.content.decode()
    assert CaseNote.objects.count() == before


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid"])
def test_outsiders_get_nothing(world, case, client_for, persona):
    client = client_for(persona)
    for url in (f"/cases/{case.pk}/casework/",
                f"/cases/{case.pk}/notes/{world.notes['plain'].pk}/",
                f"/cases/{case.pk}/notes/{world.notes['sensitive'].pk}/"):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(f"/cases/{case.pk}/notes/", {"text": "x"}).status_code in (403, 404)


# --- API ---------------------------------------------------------------------------------

def test_the_api_lists_notes_and_reads_a_sensitive_one_audited(world, case, api_for,
                                                               django_assert_max_num_queries):
    api = api_for("youssef")
    with django_assert_max_num_queries(8):
        listed = api.get(f"/api/v1/cases/{case.pk}/notes/").json()["results"]
    assert {n["sensitive"]: n["text"] for n in listed}[True] is None
    sensitive = world.notes["sensitive"]
    body = api.get(f"/api/v1/cases/{case.pk}/notes/{sensitive.pk}/").json()
    assert CANARY_SENSITIVE in body["text"]
    assert AuditEntry.objects.filter(action="cases.note.read_sensitive").count() == 1
    assert api_for("amina").get(
        f"/api/v1/cases/{case.pk}/notes/{sensitive.pk}/").status_code == 403


def test_the_api_writes_a_note(world, case, api_for):
    response = api_for("khadija").post(f"/api/v1/cases/{case.pk}/notes/",
                                       {"text": SECRET, "sensitive": True}, format="json")
    assert response.status_code == 201 and response.json()["text"] == SECRET


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid"])
def test_the_api_gives_outsiders_nothing(world, case, api_for, persona):
    api = api_for(persona)
    assert api.get(f"/api/v1/cases/{case.pk}/notes/").status_code in (403, 404)
    assert api.post(f"/api/v1/cases/{case.pk}/notes/", {"text": "x"},
                    format="json").status_code in (403, 404)
