"""The cases pages as reception, a social worker, the manager, another centre and the
outsider use them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisr.cases.models import Appointment, Case, CaseEvent, Stage
from jisr.cases.questionnaires import Listening, QuestionnaireVersion
from jisr.core.models import AuditEntry
from jisr.notifications.models import Notification
from jisr.registry.models import Consent, Phone
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_RESTRICTED


def _url(case, suffix=""):
    return f"/cases/{case.pk}/{suffix}"


@pytest.mark.parametrize("name", ["karim", "safi", "omar", "rachid", "admin", "nadia"])
def test_other_centres_and_the_outsider_see_nothing_of_a_case(world, client_for, name):
    client = client_for(name)
    for case in (world.cases["marrakech"], world.cases["restricted"]):
        for suffix in ("", "confirmation/", "listening/", "appointments/"):
            response = client.get(_url(case, suffix))
            assert response.status_code in (403, 404), (name, suffix)
            assert CANARY_PERSON_MARRAKECH not in response.content.decode()
        response = client.post(_url(case, "close/"), {"reason": "resolved",
                                                      "expected_stage": "received"})
        assert response.status_code in (403, 404)
    page = client.get("/cases/").content.decode()
    assert CANARY_RESTRICTED not in page
    # Safi is offered the transfer of the Marrakech case: the person's name, no content
    assert (CANARY_PERSON_MARRAKECH in page) == (name == "safi")
    assert "Cherche un travail" not in page
    assert Case.objects.filter(stage=Stage.CLOSED).count() == 0


def test_a_restricted_case_is_invisible_to_the_other_workers_of_the_centre(world, client_for):
    restricted = world.cases["restricted"]
    for name in ("marrakech_worker", "amina"):
        client = client_for(name)
        assert client.get(_url(restricted)).status_code == 404
        assert CANARY_RESTRICTED not in client.get("/cases/").content.decode()
        person_page = client.get(f"/registry/persons/{restricted.person_id}/").content.decode()
        assert f"/cases/{restricted.pk}/" not in person_page
    for name in ("youssef", "khadija"):
        reads = AuditEntry.objects.filter(action="cases.case.read_restricted").count()
        page = client_for(name).get(_url(restricted)).content.decode()
        assert CANARY_RESTRICTED in page
        assert AuditEntry.objects.filter(action="cases.case.read_restricted").count() == \
            reads + 1


def test_the_case_page_shows_the_timeline_in_a_fixed_number_of_queries(world, client_for):
    client = client_for("youssef")
    case = world.cases["marrakech"]
    client.get(_url(case))
    with CaptureQueriesContext(connection) as first:
        page = client.get(_url(case)).content.decode()
    assert "Case opened" in page and "Transfer proposed" in page and "Timeline" in page
    from datetime import timedelta

    from django.utils import timezone

    # More events, by other people, and more appointments with other workers: their names
    # come with the rows (the page reads of them only what names them), no query each
    for i, name in enumerate(("amina", "youssef", "khadija", "amina", "youssef")):
        CaseEvent.objects.create(case=case, kind="listening_draft", actor=world.users[name],
                                 centre=world.centre_marrakech)
        Appointment.objects.create(case=case, centre=world.centre_marrakech,
                                   worker=world.users[name], booked_by=world.amina,
                                   start=timezone.now() + timedelta(days=i + 1))
    with CaptureQueriesContext(connection) as second:
        page = client.get(_url(case)).content.decode()
    assert len(second) == len(first)
    for name in ("amina", "youssef", "khadija"):
        assert world.users[name].display_name in page


def _drawn_when_opened(client, case, suffix: str, field: str) -> str:
    """The form that the case page leaves out and draws when its box is opened (htmx):
    the page has only the slot asking for it; the drawn form is a fragment with ``field``."""
    page = client.get(_url(case)).content.decode()
    assert f'name="{field}"' not in page and f'hx-get="{_url(case, suffix)}"' in page
    form = client.get(_url(case, suffix), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in form and f'name="{field}"' in form
    return form


def test_the_quick_booking_form_is_drawn_when_opened_and_books_a_free_slot(world, client_for):
    client = client_for("youssef")
    case = world.cases["marrakech"]
    # The free slots are read when "Book an appointment" is opened, not on every view
    form = _drawn_when_opened(client, case, "appointments/", "slot")
    slot = next(line.split('"')[1] for line in form.splitlines()
                if line.strip().startswith('<option value="') and "|" in line)
    booked = Appointment.objects.filter(case=case).count()
    response = client.post(_url(case, "appointments/"), {"slot": slot})
    assert response.status_code == 302
    assert Appointment.objects.filter(case=case).count() == booked + 1
    # without JavaScript, the link leads to the full booking page
    assert client.get(_url(case, "appointments/")).url == _url(case, "appointments/new/")


def test_the_assign_form_is_drawn_when_opened_and_assigns_a_worker(world, client_for):
    client = client_for("khadija")
    case = world.cases["marrakech"]
    # The centre's workers are listed when "Assign a worker" is opened, not on every view
    form = _drawn_when_opened(client, case, "assign/", "worker")
    assert f'<option value="{world.youssef.pk}" selected>' in form
    # without JavaScript, a page of its own with the same form
    full = client.get(_url(case, "assign/")).content.decode()
    assert "<html" in full and 'name="worker"' in full
    colleague = world.users["marrakech_worker"]
    response = client.post(_url(case, "assign/"), {"worker": colleague.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).exists()
    # a worker without the permission, another centre and the outsider get no list
    for name in ("youssef", "karim", "nadia"):
        response = client_for(name).get(_url(case, "assign/"), HTTP_HX_REQUEST="true")
        assert response.status_code in (403, 404), name
        assert colleague.display_name not in response.content.decode()


def test_reception_finds_the_person_and_opens_the_case_with_consent_slot_and_sms(
        world, client_for):
    amina = client_for("amina")
    person = PersonFactory(registered_at=world.centre_marrakech, first_name_lat="Hassan",
                           family_name_lat="Amrani", birth_year=1975, phone="0661234567")
    page = amina.get("/cases/reception/", {"name": "hassan amrani"}).content.decode()
    assert f"/cases/reception/{person.pk}/" in page
    assert "/registry/persons/new/?name=hassan+amrani" in page
    form = amina.get(f"/cases/reception/{person.pk}/").content.decode()
    assert 'name="consent_method"' in form
    slot = next(line.split('"')[1] for line in form.splitlines()
                if 'option value="' in line and "|" in line)
    response = amina.post(f"/cases/reception/{person.pk}/", {
        "consent_method": "signature", "sms_consent": "on", "channel": "walk_in",
        "request": "أبحث عن عمل", "urgency": "normal", "slot": slot, "send_sms": "on"})
    case = Case.objects.get(person=person)
    assert response.url == f"/cases/{case.pk}/confirmation/"
    assert case.assigned_to_id == int(slot.split("|")[0])
    assert set(Consent.objects.filter(person=person).values_list("purpose", flat=True)) == {
        "case_follow_up", "sms_contact"}
    appointment = Appointment.objects.get(case=case)
    sms = Notification.objects.get(object_id=case.pk, event="cases.confirmation")
    assert sms.status == "queued" and sms.address == "+212661234567"
    assert case.reference in sms.body
    confirmation = amina.get(f"/cases/{case.pk}/confirmation/").content.decode()
    assert case.reference in confirmation and "Print" in confirmation
    assert appointment.start.strftime("%Y-%m-%d") in confirmation


def test_a_slot_taken_meanwhile_refuses_the_whole_reception(world, client_for):
    amina = client_for("amina")
    person = PersonFactory(registered_at=world.centre_marrakech)
    form = amina.get(f"/cases/reception/{person.pk}/").content.decode()
    slot = next(line.split('"')[1] for line in form.splitlines()
                if 'option value="' in line and "|" in line)
    worker_id, when = slot.split("|")
    # someone books that slot for another case before the form is sent
    from datetime import datetime

    from django.utils import timezone
    Appointment.objects.create(case=world.cases["marrakech"], centre=world.centre_marrakech,
                               worker_id=worker_id, booked_by=world.amina,
                               start=timezone.make_aware(datetime.fromisoformat(when)))
    response = amina.post(f"/cases/reception/{person.pk}/", {
        "consent_method": "signature", "channel": "walk_in", "request": "Aide",
        "urgency": "normal", "slot": slot})
    assert response.status_code == 200
    assert "already has an appointment" in response.content.decode()
    assert not Case.objects.filter(person=person).exists()
    assert not Consent.objects.filter(person=person).exists()


def test_opening_without_consent_is_refused_with_a_clear_error(world, client_for):
    person = PersonFactory(registered_at=world.centre_marrakech)
    response = client_for("amina", language="fr").post(f"/cases/reception/{person.pk}/", {
        "channel": "walk_in", "request": "Aide", "urgency": "normal"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Case.objects.filter(person=person).exists()


def test_the_person_page_offers_to_open_a_case_and_lists_them(world, client_for):
    page = client_for("amina").get(
        f"/registry/persons/{world.persons['marrakech'].pk}/").content.decode()
    assert f"/cases/reception/{world.persons['marrakech'].pk}/" in page
    assert f"/cases/{world.cases['marrakech'].pk}/" in page


def test_a_double_submitted_transition_is_applied_once(world, client_for):
    case = world.cases["restricted"]  # urgent: may be oriented straight away
    youssef = client_for("youssef")
    data = {"to_stage": "oriented", "expected_stage": "received", "note": ""}
    youssef.post(_url(case, "stage/"), data)
    response = youssef.post(_url(case, "stage/"), data, follow=True)
    assert "The case changed in the meantime" in response.content.decode()
    assert case.events.filter(kind="stage").count() == 1
    response = youssef.post(_url(case, "stage/"), {"to_stage": "follow_up",
                                                   "expected_stage": "oriented"}, follow=True)
    assert "cannot go to" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.ORIENTED


def test_closing_and_reopening_from_the_case_page(world, client_for):
    case = world.cases["marrakech"]
    youssef = client_for("youssef")
    youssef.post(_url(case, "close/"), {"reason": "moved", "expected_stage": "received"})
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    youssef.post(_url(case, "reopen/"), {"reason": "Elle est revenue à Marrakech"})
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_the_listening_page_saves_a_draft_then_completes_with_the_score(world, client_for):
    case = world.cases["marrakech"]
    youssef = client_for("youssef")
    page = youssef.get(_url(case, "listening/")).content.decode()
    assert 'data-show-if="income"' in page and 'id="question-job_seeking"' in page
    youssef.post(_url(case, "listening/"), {"q-income": "none", "save": "1"})
    assert Listening.objects.get(case=case).answers == {"income": "none"}
    preview = youssef.post(_url(case, "listening/preview/"), {
        "q-income": "none", "q-job_seeking": "yes"}, HTTP_HX_REQUEST="true").content.decode()
    assert "+3" in preview and "No income" not in preview  # explanations in ar/fr
    assert "Aucun revenu dans le ménage" in preview
    response = youssef.post(_url(case, "listening/"), {"q-income": "none", "complete": "1"})
    assert response.status_code == 200 and "This question needs an answer" in \
        response.content.decode()
    youssef.post(_url(case, "listening/"), {
        "q-income": "none", "q-job_seeking": "yes", "q-id_card": "yes",
        "q-housing": "street", "complete": "1"})
    listening = Listening.objects.get(case=case)
    assert listening.status == "completed" and listening.score == 8
    result = youssef.get(_url(case, "listening/")).content.decode()
    assert "Sans abri" in result and "+4" in result
    case.refresh_from_db()
    assert case.stage == Stage.LISTENED


def test_reception_cannot_fill_the_listening_nor_the_outsider(world, client_for):
    case = world.cases["marrakech"]
    assert client_for("amina").get(_url(case, "listening/")).status_code == 403
    assert client_for("karim").get(_url(case, "listening/")).status_code in (403, 404)
    assert not Listening.objects.filter(case=case).exists()


def test_transfers_are_answered_from_their_page(world, client_for):
    transfer = world.transfers["marrakech"]
    assert client_for("karim").get(f"/cases/transfers/{transfer.pk}/").status_code in (
        403, 404)
    page = client_for("safi").get(f"/cases/transfers/{transfer.pk}/").content.decode()
    assert "Accept" in page and "Cherche un travail" not in page
    client_for("safi").post(f"/cases/transfers/{transfer.pk}/", {"decision": "accept"})
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    assert client_for("youssef").get(_url(world.cases["marrakech"])).status_code == 404


def test_the_builder_is_for_administrators_and_publishes_new_versions(world, client_for):
    assert client_for("youssef").get("/cases/questionnaires/").status_code == 403
    assert client_for("karim").get("/cases/questionnaires/").status_code == 403
    admin = client_for("admin")
    version = QuestionnaireVersion.objects.get(status="published")
    admin.post(f"/cases/questionnaires/{version.questionnaire_id}/new-version/")
    assert not QuestionnaireVersion.objects.filter(status="draft").exists()
    admin.post(f"/cases/questionnaires/{version.questionnaire_id}/new-version/",
               {"from_number": version.number})
    draft = QuestionnaireVersion.objects.get(status="draft")
    section = draft.sections.first()
    response = admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "question", "section": section.pk, "code": "water", "kind": "yes_no",
        "label_ar": "هل يتوفر على الماء؟", "label_fr": "A-t-il l'eau courante ?"})
    assert response.status_code == 302
    question = draft.questions.get(code="water")
    admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "rule", "question": question.pk, "option": "no", "domain": "housing",
        "points": "2", "explanation_ar": "بدون ماء", "explanation_fr": "Sans eau courante"})
    assert question.rules.get().points == 2
    bad = admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "rule", "question": question.pk, "option": "maybe", "domain": "housing",
        "points": "2", "explanation_ar": "x", "explanation_fr": "x"})
    assert bad.status_code == 200 and question.rules.count() == 1
    admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published"
    frozen = admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "section", "title_ar": "أ", "title_fr": "A"}, follow=True)
    assert "never changes" in frozen.content.decode()
    assert draft.sections.count() == version.sections.count()


def test_the_home_shows_my_cases_and_coordinators_counts(world, client_for):
    home = client_for("youssef").get("/").content.decode()
    assert "My cases" in home and CANARY_PERSON_MARRAKECH in home
    home = client_for("omar").get("/").content.decode()
    assert "Open cases by centre and stage" in home and CANARY_PERSON_MARRAKECH not in home
    assert "&lt;5" in home
    assert "My cases" not in client_for("karim").get("/").content.decode() or \
        CANARY_PERSON_MARRAKECH not in client_for("karim").get("/").content.decode()


def test_sms_needs_a_mobile(world, client_for):
    person = PersonFactory(registered_at=world.centre_marrakech)
    Phone.objects.filter(person=person).delete()
    response = client_for("amina").post(f"/cases/reception/{person.pk}/", {
        "consent_method": "signature", "sms_consent": "on", "channel": "walk_in",
        "request": "Aide", "urgency": "normal", "send_sms": "on"})
    assert response.status_code == 200 and "no mobile phone" in response.content.decode()
    assert not Case.objects.filter(person=person).exists()


def test_the_case_page_and_its_paper_show_the_sms_sent_not_a_workers_reminder(
        world, client_for):
    # Given a case whose worker was reminded in the app of a follow-up, and no SMS sent
    case = world.cases["marrakech"]
    Notification.objects.create(
        recipient=world.youssef, channel=Notification.Channel.IN_APP, language="fr",
        event="cases.follow_up_due", body="Suivi à faire", related=case,
        dedupe_key="test:follow-up", status=Notification.Status.SENT)
    youssef = client_for("youssef")
    # Then neither the case page nor the paper for the person says an SMS went out
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/confirmation/"):
        page = youssef.get(url).content.decode()
        assert "SMS" not in page.split("</nav>", 1)[-1].split("<footer", 1)[0], url
    # And once an SMS is sent to the person, it is that one they show
    Notification.objects.create(
        address="+212661234567", channel=Notification.Channel.SMS, language="fr",
        event="cases.confirmation", body="Votre dossier", related=case,
        dedupe_key="test:sms", status=Notification.Status.SENT)
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/confirmation/"):
        assert "+212661234567" in youssef.get(url).content.decode(), url
    # the outsider (another centre) opens neither
    karim = client_for("karim")
    assert karim.get(f"/cases/{case.pk}/").status_code == 404
    assert karim.get(f"/cases/{case.pk}/confirmation/").status_code == 404


def test_the_case_list_and_its_api_cost_the_same_queries_for_more_cases(world, client_for,
                                                                        open_case):
    from rest_framework.authtoken.models import Token

    youssef = client_for("youssef")
    token, _ = Token.objects.get_or_create(user=world.youssef)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    def count(url, **extra):
        youssef.get(url, **extra)
        with CaptureQueriesContext(connection) as queries:
            assert youssef.get(url, **extra).status_code == 200
        return len(queries)

    before = (count("/cases/"), count("/api/v1/cases/", **headers))
    for _i in range(4):
        open_case(assigned_to=world.marrakech_worker)
    assert (count("/cases/"), count("/api/v1/cases/", **headers)) == before
