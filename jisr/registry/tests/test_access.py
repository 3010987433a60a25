"""Who sees whom (shared/DESIGN.md, "Who sees what"): identity national, records local."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from jisr.accounts import policy
from jisr.core.exceptions import AccessDenied, DomainError, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.notifications.models import Notification
from jisr.registry import selectors, services
from jisr.registry.models import BreakGlassGrant
from jisr.registry.search import PersonQuery
from jisr.testing.factories import UserFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, PERSONAS

REASON = "Found unconscious at the station, needs her treatment history now."
SEES_MARRAKECH = {"amina", "youssef", "khadija", "laila", "omar"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_persons_for_follows_the_design(world, persona):
    visible = set(policy.persons_for(world.users[persona]).values_list(
        "family_name_lat", flat=True))
    expected = set()
    if persona in SEES_MARRAKECH:
        expected |= {world.persons[n].family_name_lat for n in ("marrakech", "marrakech_twin")}
    if persona == "karim":  # the record merged into Mohammed's is hidden
        expected |= {world.persons[n].family_name_lat for n in ("oujda", "oujda_twin")}
    assert visible == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_persons_for_a_few_is_the_same_rule_checked_person_by_person(world, persona):
    user = world.users[persona]
    # an emergency access too, for the grants' EXISTS (the outsider holds one: still nothing
    # without the permission)
    BreakGlassGrant.objects.create(user=user, person=world.persons["oujda"], reason=REASON,
                                   expires_at=timezone.now() + timedelta(hours=1))
    probed = policy.persons_for(user, few=True)
    assert not probed.exists() or "OFFSET 0" in str(probed.query)
    assert set(probed.values_list("pk", flat=True)) == set(
        policy.persons_for(user).values_list("pk", flat=True))


@pytest.mark.parametrize("query, narrow", [
    (PersonQuery(name="Fatima Alaoui"), True),
    (PersonQuery(name="fatima", birth_year=1984), True),
    (PersonQuery(name="fatima", birth_date=date(1984, 5, 1)), True),
    (PersonQuery(identifier="BE123456"), True),
    (PersonQuery(phone="0612345678"), True),
    (PersonQuery(name="fatima"), False),
    (PersonQuery(birth_year=1984), False),
    (PersonQuery(commune_id=1), False),
    (PersonQuery(), False),
])
def test_a_narrow_query_is_two_names_a_name_and_a_birth_a_document_or_a_phone(query, narrow):
    assert query.is_narrow is narrow


@pytest.mark.parametrize("query, finds", [
    (PersonQuery(identifier="be 123456"), True),
    (PersonQuery(phone="0612345678"), True),
    (PersonQuery(name="Fatima Canarypersonmarrakech", birth_year=1984), True),
    (PersonQuery(name="فاطمه العلوي", birth_year=1984), True),
    (PersonQuery(name="فاطمة العلوي", birth_date=date(1984, 5, 1)), False),
    (PersonQuery(name="Fatima Canarypersonmarrakech", birth_year=1990), False),
    (PersonQuery(name="fatima", birth_year=1984), False),
    (PersonQuery(name="fat canary", birth_year=1984), False),
    (PersonQuery(name="fatima"), False),
    (PersonQuery(name="canarypersonmarrakech"), False),
    (PersonQuery(birth_year=1984), False),
    (PersonQuery(commune_id=1), False),
    (PersonQuery(), False),
])
def test_another_centre_finds_a_person_only_by_a_specific_search(world, query, finds):
    cards = selectors.identity_cards(user=world.karim, query=query)
    assert [c.person_id for c in cards] == ([world.persons["marrakech"].pk] if finds else [])
    # and never in the list of its own persons
    assert world.persons["marrakech"] not in selectors.person_list(user=world.karim,
                                                                   query=query)


def test_the_identity_card_shows_identity_and_where_followed_only(world):
    card = selectors.identity_cards(user=world.karim,
                                    query=PersonQuery(identifier="BE123456"))[0]
    assert card.family_name_lat == f"El {CANARY_PERSON_MARRAKECH}"
    assert card.masked_cin == "BE****56" and card.birth == "1984"
    assert [f.centre for f in card.followed] == [world.centre_marrakech]
    assert not hasattr(card, "address") and not hasattr(card, "phones")
    entry = AuditEntry.objects.get(action="registry.person.identity_card")
    assert entry.actor == world.karim and entry.kind == "read"
    assert entry.object_id == str(world.persons["marrakech"].pk)


@pytest.mark.parametrize("persona", ["nadia", "admin", "rachid", "laila", "omar"])
def test_roles_without_network_search_get_no_identity_cards(world, persona):
    assert selectors.identity_cards(user=world.users[persona],
                                    query=PersonQuery(identifier="F654321")) == []


def test_records_outside_scope_are_not_found(world):
    with pytest.raises(NotFound):
        selectors.person_get_for_user(user=world.karim,
                                      person_id=world.persons["marrakech"].pk)
    with pytest.raises(NotFound):
        selectors.household_get_for_user(user=world.karim,
                                         household_id=world.households["marrakech"].pk)
    with pytest.raises(NotFound):
        selectors.person_sensitive_get(user=world.karim, person=world.persons["marrakech"])


def test_sensitive_details_need_the_permission_and_every_read_is_audited(world):
    person = world.persons["marrakech"]
    with pytest.raises(AccessDenied):
        selectors.person_sensitive_get(user=world.amina, person=person)
    details = selectors.person_sensitive_get(user=world.youssef, person=person, reason="visit")
    assert "Canarysensitive" in details.health_details
    selectors.person_sensitive_get(user=world.khadija, person=person)
    reads = AuditEntry.objects.filter(action="registry.person.sensitive.read", kind="read")
    assert {e.actor.username for e in reads} == {"youssef", "khadija"}
    assert reads.get(actor=world.youssef).reason == "visit"


def test_sensitive_changes_are_audited_by_field_name_only(world):
    services.person_sensitive_update(actor=world.youssef, person=world.persons["marrakech"],
                                     health_details="Hypertension")
    entry = AuditEntry.objects.get(action="registry.person.sensitive.update")
    assert entry.fields == ["health_details"]
    assert "Hypertension" not in str(entry.before) + str(entry.after)
    with pytest.raises(ValidationFailed) as error:
        services.person_sensitive_update(actor=world.youssef,
                                         person=world.persons["marrakech"],
                                         protection_categories=["not-a-category"])
    assert list(error.value.fields) == ["protection_categories"]


def test_breaking_the_glass_opens_the_record_audits_and_tells_the_manager(
        world, django_capture_on_commit_callbacks):
    person = world.persons["marrakech"]
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.break_the_glass(actor=world.karim, person_id=person.pk,
                                         reason=REASON, base_url="https://jisr.example.ma/")
    assert grant.expires_at - timezone.now() > timedelta(hours=23)
    assert policy.persons_for(world.karim).filter(pk=person.pk).exists()
    entry = AuditEntry.objects.get(action="registry.person.break_the_glass")
    assert entry.kind == "security" and entry.reason == REASON and entry.actor == world.karim
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.khadija.email]
    assert REASON in message.body and world.karim.get_full_name() in message.body
    assert f"https://jisr.example.ma/registry/persons/{person.pk}/" in message.body
    # The same notice waits in the manager's inbox, linked to the record.
    inbox = Notification.objects.get(recipient=world.khadija, channel="in_app",
                                     event="registry.break_the_glass")
    assert REASON in inbox.body and inbox.link_url == f"/registry/persons/{person.pk}/"


def test_the_grant_expires(world, settings):
    settings.JISR_BREAK_GLASS_HOURS = 1
    grant = services.break_the_glass(actor=world.karim, person_id=world.persons[
        "marrakech"].pk, reason=REASON)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert not policy.persons_for(world.karim).filter(pk=grant.person_id).exists()


def test_breaking_the_glass_needs_a_reason_a_role_and_a_real_person(world):
    person_id = world.persons["marrakech"].pk
    with pytest.raises(ValidationFailed) as error:
        services.break_the_glass(actor=world.karim, person_id=person_id, reason="urgent")
    assert "reason" in error.value.fields
    for name in ("amina", "nadia", "admin", "rachid", "omar"):
        with pytest.raises(AccessDenied):
            services.break_the_glass(actor=world.users[name], person_id=person_id,
                                     reason=REASON)
    with pytest.raises(NotFound):
        services.break_the_glass(actor=world.karim, person_id=999999, reason=REASON)
    with pytest.raises(DomainError, match="already have access"):
        services.break_the_glass(actor=world.youssef, person_id=person_id, reason=REASON)
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.person.break_the_glass").exists()


def test_the_manager_notice_goes_out_over_smtp_to_each_following_centre(
        world, smtp_server, django_capture_on_commit_callbacks):
    from jisr.registry.models import PersonFollow

    oujda_manager = UserFactory(username="oujda_manager", role="centre_manager",
                                centre=world.centre_oujda)
    person = world.persons["marrakech"]
    PersonFollow.objects.create(person=person, centre=world.centre_oujda)
    with django_capture_on_commit_callbacks(execute=True):
        services.break_the_glass(actor=world.safi, person_id=person.pk, reason=REASON)
    recipients = sorted(r for m in smtp_server.messages for r in m.rcpt_tos)
    assert recipients == sorted([world.khadija.email, oujda_manager.email])
    assert REASON in smtp_server.messages[0].content.decode()
