"""The appointments calendar: booking any purpose, rescheduling with history and without
double booking, no-shows, cancelling, the day-before SMS reminders (through the fake
gateway), the calendar pages and API, and the appointment card PDF."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from jisr.cases import calendar, services
from jisr.cases.casework import AppointmentChange
from jisr.cases.models import Appointment, CaseEvent
from jisr.core.exceptions import Conflict, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.notifications.models import Notification
from jisr.registry.models import Consent
from jisr.registry.services import consent_record, consent_withdraw
from jisr.testing import pdftext
from jisr.testing.personas import CANARY_PERSON_MARRAKECH as PERSON
from jisr.testing.personas import OUTSIDER

PHONE = "+212612345678"  # the Marrakech person's mobile


def at(days: int, hour: int, minute: int = 0):
    """A time of the centre's day ``days`` from today (Africa/Casablanca)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def book(world, case):
    def make(start, worker="youssef", actor="amina", purpose="follow_up", on=None):
        return services.appointment_book(actor=world.users[actor], case=on or case,
                                         worker=world.users[worker], start=start,
                                         purpose=purpose)
    return make


@pytest.fixture
def sms_consent(world):
    return consent_record(actor=world.users["youssef"], person=world.persons["marrakech"],
                          purpose=Consent.Purpose.SMS_CONTACT, method="signature")


@pytest.fixture
def quiet_world(world):
    """The world's own appointments cancelled, so only each test's are reminded."""
    for appointment in world.appointments.values():
        Appointment.objects.filter(pk=appointment.pk).update(
            status=Appointment.Status.CANCELLED)
    return world


# --- services ----------------------------------------------------------------------------

def test_booking_a_follow_up_writes_its_purpose_to_the_timeline(world, case, book):
    appointment = book(at(3, 10))
    assert appointment.purpose == "follow_up"
    event = case.events.get(kind=CaseEvent.Kind.APPOINTMENT_BOOKED)
    assert "10:00" in event.note and "Follow-up" in event.note


def test_an_unknown_purpose_is_refused(world, case, book):
    with pytest.raises(ValidationFailed):
        book(at(3, 10), purpose="party")
    assert not Appointment.objects.filter(case=case, start=at(3, 10)).exists()


def test_rescheduling_onto_a_taken_slot_is_refused_and_changes_nothing(world, book):
    book(at(3, 10))
    other = book(at(3, 11))
    with pytest.raises(Conflict):
        calendar.appointment_reschedule(actor=world.amina, appointment=other,
                                        start=at(3, 10, 15))
    other.refresh_from_db()
    assert other.start == at(3, 11)
    assert not AppointmentChange.objects.exists()


def test_rescheduling_keeps_the_history(world, case, book):
    appointment = book(at(3, 10))
    calendar.appointment_reschedule(actor=world.amina, appointment=appointment,
                                    start=at(4, 14), worker=world.khadija,
                                    reason="La personne travaille le matin")
    appointment.refresh_from_db()
    assert (appointment.start, appointment.worker) == (at(4, 14), world.khadija)
    [change] = appointment.changes.all()
    assert (change.from_start, change.to_start) == (at(3, 10), at(4, 14))
    assert (change.from_worker, change.to_worker) == (world.youssef, world.khadija)
    assert case.events.filter(kind=CaseEvent.Kind.APPOINTMENT_RESCHEDULED).exists()
    assert AuditEntry.objects.filter(action="cases.appointment.reschedule",
                                     object_id=str(appointment.pk)).exists()


def test_an_appointment_can_move_within_its_own_slot(world, book):
    appointment = book(at(3, 10))
    calendar.appointment_reschedule(actor=world.amina, appointment=appointment,
                                    start=at(3, 10, 15))
    appointment.refresh_from_db()
    assert appointment.start == at(3, 10, 15)


def test_a_no_show_is_recorded_only_once_the_time_has_come(world, case, book):
    appointment = book(at(3, 10))
    with pytest.raises(ValidationFailed):
        calendar.appointment_mark_no_show(actor=world.youssef, appointment=appointment)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() - timedelta(hours=1))
    calendar.appointment_mark_no_show(actor=world.youssef, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert case.events.filter(kind=CaseEvent.Kind.APPOINTMENT_NO_SHOW).exists()
    with pytest.raises(Conflict):  # not twice
        calendar.appointment_mark_no_show(actor=world.youssef, appointment=appointment)


def test_cancelling_writes_the_timeline(world, case, book):
    appointment = book(at(3, 10))
    calendar.appointment_cancel(actor=world.amina, appointment=appointment, reason="malade")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert case.events.filter(kind=CaseEvent.Kind.APPOINTMENT_CANCELLED).exists()


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid"])
def test_others_cannot_move_the_centre_appointments(world, book, persona):
    appointment = book(at(3, 10))
    with pytest.raises(NotFound):
        calendar.appointment_reschedule(actor=world.users[persona], appointment=appointment,
                                        start=at(3, 15))


# --- reminders ---------------------------------------------------------------------------

def test_tomorrows_appointment_is_reminded_once_through_the_gateway(
        quiet_world, case, book, sms_consent, sms_gateway, django_capture_on_commit_callbacks):
    world = quiet_world
    tomorrow = book(at(1, 10), worker="khadija")
    book(at(2, 10), worker="khadija")  # the day after: not yet
    cancelled = book(at(1, 12), worker="khadija")
    calendar.appointment_cancel(actor=world.amina, appointment=cancelled)
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.appointment_reminders_send() == 1
    [message] = sms_gateway.messages
    assert message["to"] == PHONE
    assert case.reference in message["text"] and "10:00" in message["text"]
    # run again (the job is hourly): nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.appointment_reminders_send() == 0
    assert len(sms_gateway.messages) == 1
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_for == tomorrow.start
    assert case.events.filter(kind=CaseEvent.Kind.APPOINTMENT_REMINDER).count() == 1
    assert AuditEntry.objects.filter(action="cases.appointment.remind", count=1).exists()


def test_a_rescheduled_appointment_is_reminded_of_its_new_time(
        quiet_world, book, sms_consent, sms_gateway, django_capture_on_commit_callbacks):
    appointment = book(at(1, 10), worker="khadija")
    with django_capture_on_commit_callbacks(execute=True):
        calendar.appointment_reminders_send()
    calendar.appointment_reschedule(actor=quiet_world.amina, appointment=appointment,
                                    start=at(1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.appointment_reminders_send() == 1
    assert [("15:00" in m["text"]) for m in sms_gateway.messages] == [False, True]


def test_without_consent_to_sms_nobody_is_reminded(quiet_world, case, book, sms_gateway,
                                                   django_capture_on_commit_callbacks):
    book(at(1, 10), worker="khadija")
    # not even looked at by the hourly job, until the person consents
    assert not calendar.reminders_due().exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.appointment_reminders_send() == 0
    assert sms_gateway.messages == []
    assert not Notification.objects.filter(event=calendar.REMINDER_EVENT).exists()
    youssef = quiet_world.users["youssef"]
    consent = consent_record(actor=youssef, person=case.person,
                             purpose=Consent.Purpose.SMS_CONTACT, method="signature")
    assert calendar.reminders_due().count() == 1
    consent_withdraw(actor=youssef, consent=consent, reason="Ne veut plus de SMS")
    assert not calendar.reminders_due().exists()


def test_no_reminder_for_a_closed_case(quiet_world, case, book, sms_consent, sms_gateway,
                                      django_capture_on_commit_callbacks):
    book(at(1, 10), worker="khadija")
    services.case_close(actor=quiet_world.youssef, case=case, reason="resolved",
                        note="Besoins satisfaits", expected_stage=case.stage)
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.appointment_reminders_send() == 0
    assert sms_gateway.messages == []


def test_the_reminder_job_is_a_registered_periodic_task_that_reminds(
        quiet_world, book, sms_consent, sms_gateway, django_capture_on_commit_callbacks):
    from jisr.cases.tasks import send_appointment_reminders
    from jisr.core.periodic import registered

    assert send_appointment_reminders.module_path in registered()
    book(at(1, 9), worker="khadija")
    with django_capture_on_commit_callbacks(execute=True):
        send_appointment_reminders.enqueue()  # the tests' backend runs it at once
    assert sms_gateway.texts_to(PHONE)


# --- pages -------------------------------------------------------------------------------

def _calendar(client, **params):
    return client.get("/cases/calendar/", params)


def test_the_week_shows_the_centre_appointments_and_only_taken_slots_of_hidden_cases(
        world, book, client_for):
    book(at(3, 10))
    book(at(3, 11), on=world.cases["restricted"], actor="youssef")
    week = at(3, 10).date().isoformat()
    page = _calendar(client_for("amina"), view="week", date=week).content.decode()
    assert PERSON in page and "Taken" in page and "Violences" not in page
    page = _calendar(client_for("youssef"), view="week", date=week).content.decode()
    assert "Taken" not in page  # youssef sees the restricted case he is assigned


def test_the_day_view_filters_by_worker_and_htmx_gets_only_the_grid(world, book,
                                                                    client_for):
    book(at(3, 10))
    client = client_for("amina")
    day = at(3, 10).date().isoformat()
    response = client.get("/cases/calendar/", {"view": "day", "date": day,
                                               "worker": world.khadija.pk},
                          HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="calendar"' in body
    assert PERSON not in body  # khadija has nothing that day
    assert PERSON in _calendar(client, view="day", date=day).content.decode()


def test_the_calendar_costs_a_fixed_number_of_queries(world, book, client_for,
                                                      django_assert_max_num_queries):
    for hour in range(9, 15):
        book(at(3, hour))
    client = client_for("amina")
    with django_assert_max_num_queries(14):
        assert _calendar(client, date=at(3, 9).date().isoformat()).status_code == 200


@pytest.mark.parametrize("persona, status", [(OUTSIDER, 200), ("rachid", 403)])
def test_outsiders_see_nothing_of_the_centre_calendar(world, book, client_for, persona,
                                                      status):
    appointment = book(at(3, 10))
    client = client_for(persona)
    response = _calendar(client, date=at(3, 10).date().isoformat())
    assert response.status_code == status
    assert PERSON not in response.content.decode()
    for url in (f"/cases/appointments/{appointment.pk}/",
                f"/cases/appointments/{appointment.pk}/card.pdf"):
        assert client.get(url).status_code in (403, 404)
    assert client.post(f"/cases/appointments/{appointment.pk}/cancel/").status_code in (403,
                                                                                        404)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_rescheduling_from_its_page(world, book, client_for):
    appointment = book(at(3, 10))
    client = client_for("amina", "fr")
    response = client.post(f"/cases/appointments/{appointment.pk}/", {
        "worker": world.youssef.pk, "start": at(3, 15).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45, "reason": "Demande de la personne"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(3, 15)


def test_a_taken_slot_is_refused_on_the_page_with_a_translated_error(world, book,
                                                                     client_for):
    book(at(3, 10))
    appointment = book(at(3, 11))
    response = client_for("amina", "fr").post(f"/cases/appointments/{appointment.pk}/", {
        "worker": world.youssef.pk, "start": at(3, 10).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45})
    assert response.status_code == 200
    assert "a déjà un rendez-vous" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.start == at(3, 11)


def test_booking_a_follow_up_from_the_case(world, case, client_for):
    response = client_for("amina").post(f"/cases/{case.pk}/appointments/new/", {
        "purpose": "follow_up", "worker": world.youssef.pk,
        "start": at(5, 9).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30})
    assert response.status_code == 302
    assert Appointment.objects.get(case=case, start=at(5, 9)).purpose == "follow_up"


# --- API ---------------------------------------------------------------------------------

def test_the_calendar_api_gives_hidden_cases_as_taken_slots(world, book, api_for):
    book(at(3, 10))
    book(at(3, 11), on=world.cases["restricted"], actor="youssef")
    day = at(3, 10).date().isoformat()
    body = api_for("amina").get("/api/v1/calendar/", {"date": day}).json()
    shown = {a["start"][11:16]: a for a in body["appointments"]
             if a["start"].startswith(day)}
    assert shown["10:00"]["person_name"] and shown["10:00"]["visible"]
    assert shown["11:00"]["person_name"] is None and shown["11:00"]["case"] is None
    outsider = api_for(OUTSIDER).get("/api/v1/calendar/", {"date": day}).json()
    assert not {a["case"] for a in outsider["appointments"]} & {
        world.cases["marrakech"].pk, world.cases["restricted"].pk}
    assert PERSON not in str(outsider)
    assert api_for("rachid").get("/api/v1/calendar/").status_code == 403


def test_rescheduling_and_no_show_through_the_api(world, book, api_for):
    appointment = book(at(3, 10))
    taken = book(at(3, 12))
    api = api_for("amina")
    url = f"/api/v1/appointments/{appointment.pk}/"
    assert api.post(url + "reschedule/", {"start": taken.start.isoformat()},
                    format="json").status_code == 409
    response = api.post(url + "reschedule/", {"start": at(3, 16).isoformat(),
                                              "reason": "x"}, format="json")
    assert response.status_code == 200 and len(response.json()["changes"]) == 1
    assert api.post(url + "no-show/", {}, format="json").status_code == 400
    assert api_for(OUTSIDER).post(url + "no-show/", {}, format="json").status_code == 404


# --- the appointment card ----------------------------------------------------------------

def _lines(data, *, rtl):
    read = pdftext.right_to_left_text if rtl else pdftext.visual_text
    return [read(line) for page in pdftext.pages(data) for line in pdftext.lines(page)]


def test_the_card_in_arabic_reads_right_to_left(world, case, book, client_for):
    appointment = book(at(3, 10))
    response = client_for("amina").get(f"/cases/appointments/{appointment.pk}/card.pdf?lang=ar")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(_lines(response.content, rtl=True))
    for words in ("فاطمة العلوي", "مركز جسر مراكش", "بطاقة الموعد", "سيستقبلكم"):
        assert words in text, words
    numbers = "\n".join(_lines(response.content, rtl=False))  # digits read left to right
    assert at(3, 10).date().isoformat() in numbers and case.reference in numbers
    assert AuditEntry.objects.filter(action="cases.appointment.card.print").exists()


def test_the_card_in_french_through_the_api(world, case, book, api_for):
    appointment = book(at(3, 10))
    response = api_for("youssef").get(f"/api/v1/appointments/{appointment.pk}/card.pdf",
                                      {"lang": "fr"})
    assert response.status_code == 200
    text = "\n".join(_lines(response.content, rtl=False))
    for words in ("Carte de rendez-vous", "Fatima", "10:00", case.reference):
        assert words in text, words


def test_a_large_centre_offers_slots_spread_over_times_not_every_colleague_at_nine(world):
    # Given a centre with twelve social workers, all free
    from jisr.accounts.roles import Role
    from jisr.cases import selectors
    from jisr.testing.factories import UserFactory

    for index in range(10):
        UserFactory(username=f"worker-{index}", role=Role.SOCIAL_WORKER,
                    centre=world.centre_marrakech)
    monday = timezone.make_aware(datetime(2030, 1, 7, 8, 0))
    # When reception asks for the free slots
    slots = selectors.free_slots(centre_id=world.centre_marrakech.pk, now=monday,
                                 per_time=4, limit=20)
    # Then no time is offered with more than four workers, the list spans several times
    starts = [s.start for s in slots]
    assert len(slots) == 20 and max(starts.count(t) for t in starts) == 4
    assert len(set(starts)) == 5 and starts == sorted(starts)
    # And one worker's own slots are all theirs
    own = selectors.free_slots(centre_id=world.centre_marrakech.pk, now=monday,
                               worker=world.youssef)
    assert own and {s.worker for s in own} == {world.youssef}
