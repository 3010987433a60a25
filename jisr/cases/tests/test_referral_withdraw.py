"""The referring worker withdraws a referral still open, with the reason: the service is
told, the place it held goes to the next person waiting, the timeline keeps the reason;
nobody else can, and a finished referral stays as it is."""

import pytest

from jisr.cases import referral_services as rs
from jisr.cases.referrals import Referral
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.notifications.models import Notification

REASON = "La personne a trouvé une formation ailleurs"


@pytest.fixture
def offering(world):
    return world.offerings["partner_marrakech"]


@pytest.fixture
def two(world, open_case, offering):
    """One place: the first referral holds it, the second waits."""
    offering.capacity = 1
    offering.save()
    cases = [open_case(urgency="urgent", request=f"Demande {i}") for i in range(2)]
    return [rs.referral_send(actor=world.youssef, case=c, offering=offering) for c in cases]


def test_withdrawing_frees_the_place_tells_the_service_and_keeps_the_reason(world, two):
    first, second = two
    assert (first.status, second.status) == ("sent", "waiting")
    rs.referral_withdraw(actor=world.youssef, referral=first, reason=REASON)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "withdrawn" and first.withdraw_reason == REASON
    assert second.status == "sent"  # the next person moved up
    event = first.case.events.get(kind="referral_withdrawn")
    assert REASON in event.note
    told = Notification.objects.get(recipient=world.rachid, event="cases.referral.withdrawn",
                                    channel="in_app")
    assert REASON in told.body and first.reference in told.body
    assert not first.is_open and rs.open_referrals_of(first.case) == []


def test_a_short_reason_is_refused_and_changes_nothing(world, two):
    first, _second = two
    with pytest.raises(ValidationFailed):
        rs.referral_withdraw(actor=world.youssef, referral=first, reason="non")
    first.refresh_from_db()
    assert first.status == "sent"


def test_a_finished_referral_cannot_be_withdrawn(world, two):
    first, _second = two
    rs.referral_accept(actor=world.rachid, referral=first)
    rs.referral_deliver(actor=world.rachid, referral=first)
    with pytest.raises(Conflict):
        rs.referral_withdraw(actor=world.youssef, referral=first, reason=REASON)
    first.refresh_from_db()
    assert first.status == "delivered"


@pytest.mark.parametrize("name, error", [("rachid", AccessDenied), ("karim", NotFound),
                                         ("oriental_partner", AccessDenied)])
def test_only_the_referring_side_withdraws(world, two, name, error):
    first, _second = two
    with pytest.raises(error):
        rs.referral_withdraw(actor=world.users[name], referral=first, reason=REASON)
    first.refresh_from_db()
    assert first.status == "sent"


def test_withdrawing_from_the_case_page(world, two, client_for):
    first, _second = two
    client = client_for("youssef", "fr")
    page = client.get(f"/cases/{first.case_id}/").content.decode()
    assert f"/cases/referrals/{first.pk}/withdraw/" in page
    response = client.post(f"/cases/referrals/{first.pk}/withdraw/", {"reason": REASON})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "withdrawn"
    page = client.get(f"/cases/{first.case_id}/").content.decode()
    assert REASON in page and "Retirée par la personne qui a orienté" in page


@pytest.mark.parametrize("name", ["karim", "rachid", "oriental_partner", "amina"])
def test_others_cannot_withdraw_from_the_web_or_the_api(world, two, client_for, api, name):
    first, _second = two
    assert client_for(name).post(f"/cases/referrals/{first.pk}/withdraw/",
                                 {"reason": REASON}).status_code in (403, 404)
    assert api(name).post(f"/api/v1/referrals/{first.pk}/withdraw/",
                          {"reason": REASON}).status_code in (403, 404)
    first.refresh_from_db()
    assert first.status == "sent"


def test_withdrawing_through_the_api(world, two, api):
    first, _second = two
    response = api("youssef", "fr").post(f"/api/v1/referrals/{first.pk}/withdraw/",
                                         {"reason": "x"})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api("youssef").post(f"/api/v1/referrals/{first.pk}/withdraw/",
                                   {"reason": REASON})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert Referral.objects.get(pk=first.pk).status == "withdrawn"
