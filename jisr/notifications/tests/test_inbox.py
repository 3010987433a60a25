import pytest

from jisr.core.models import AuditEntry
from jisr.notifications import services
from jisr.notifications.models import Notification
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, OUTSIDER


def _note(user, key, *, title="Référence reçue", text="Une orientation vous attend",
          link_url="/registry/"):
    return services.notify(event="referral.received", key=key,
                           channel=Notification.Channel.IN_APP, recipient=user,
                           template="notifications/messages/notice", language="fr",
                           context={"title": title, "text": text}, link_url=link_url)


@pytest.fixture
def inbox(world):
    youssef = world.users["youssef"]
    notes = [_note(youssef, f"r{i}") for i in range(3)]
    notes.append(_note(youssef, "canary", title=f"About {CANARY_PERSON_MARRAKECH}"))
    return [*notes, world.notifications["youssef"]]  # the world's own, in English


def test_the_inbox_lists_my_notifications_and_the_header_counts_them(
        client_for, inbox, django_assert_max_num_queries):
    client = client_for("youssef")
    with django_assert_max_num_queries(12):
        response = client.get("/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Une orientation vous attend") == 4
    assert CANARY_PERSON_MARRAKECH in page
    assert 'class="bell"' in page and '<span class="tag tag-warn" dir="ltr">5</span>' in page


def test_the_query_count_does_not_grow_with_the_inbox(world, client_for, inbox,
                                                      django_assert_max_num_queries):
    for i in range(20):
        _note(world.users["youssef"], f"more{i}")
    client = client_for("youssef")
    with django_assert_max_num_queries(12):
        assert client.get("/notifications/").status_code == 200


def test_marking_read_lowers_the_count_and_is_audited(client_for, inbox):
    client = client_for("youssef")
    response = client.post(f"/notifications/{inbox[0].pk}/read/")
    assert response.status_code == 302 and response.url == "/notifications/"
    inbox[0].refresh_from_db()
    assert inbox[0].status == Notification.Status.READ and inbox[0].read_at
    assert AuditEntry.objects.filter(action="notifications.notification.read",
                                     object_id=str(inbox[0].pk)).count() == 1
    page = client.get("/notifications/?unread=1").content.decode()
    assert page.count("Une orientation vous attend") == 3 and "came back" in page
    # opening follows the link
    response = client.post(f"/notifications/{inbox[1].pk}/read/", {"open": "1"})
    assert response.url == "/registry/"


def test_an_outside_link_is_never_followed(world, client_for):
    note = _note(world.users["youssef"], "evil", link_url="https://evil.example.com/")
    response = client_for("youssef").post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response.url == "/notifications/"


def test_mark_all_read_writes_one_audit_entry_with_the_count(client_for, inbox):
    client_for("youssef").post("/notifications/read-all/")
    assert not Notification.objects.exclude(status=Notification.Status.READ).exists()
    entry = AuditEntry.objects.get(action="notifications.notification.read_all")
    assert entry.count == 5


def test_the_outsider_sees_and_marks_nothing_of_anothers_inbox(client_for, inbox):
    client = client_for(OUTSIDER)
    page = client.get("/notifications/").content.decode()
    assert "Une orientation vous attend" not in page and CANARY_PERSON_MARRAKECH not in page
    assert client.post(f"/notifications/{inbox[0].pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    inbox[0].refresh_from_db()
    assert inbox[0].status == Notification.Status.SENT


def test_an_administrator_does_not_read_anothers_inbox(client_for, inbox):
    assert "Une orientation" not in client_for("admin").get("/notifications/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, inbox):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post(f"/notifications/{inbox[0].pk}/read/").status_code == 302


def test_the_inbox_speaks_arabic_right_to_left(client_for, inbox):
    page = client_for("youssef", "ar").get("/notifications/").content.decode()
    assert 'dir="rtl"' in page and "الإشعارات" in page


# --- API ---------------------------------------------------------------------------------

def test_the_api_lists_my_notifications(api, inbox, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api("youssef").get("/api/v1/notifications/")
    body = response.json()
    assert response.status_code == 200 and body["count"] == 5
    assert {r["id"] for r in body["results"]} == {n.pk for n in inbox}
    assert body["results"][0]["unread"] is True and body["results"][0]["language"] == "fr"


def test_the_api_marks_read(api, inbox):
    caller = api("youssef")
    response = caller.post(f"/api/v1/notifications/{inbox[0].pk}/read/")
    assert response.status_code == 200 and response.json()["status"] == "read"
    assert caller.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 4
    assert caller.post("/api/v1/notifications/read-all/").json() == {"count": 4}


def test_the_api_refuses_a_bad_filter(api, inbox):
    response = api("youssef", "fr").get("/api/v1/notifications/", {"unread": "maybe"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"


def test_the_outsider_gets_nothing_from_the_api(api, inbox):
    caller = api(OUTSIDER)
    assert caller.get("/api/v1/notifications/").json()["count"] == 0
    response = caller.post(f"/api/v1/notifications/{inbox[0].pk}/read/")
    assert response.status_code == 404
    assert CANARY_PERSON_MARRAKECH not in response.content.decode()
    assert caller.post("/api/v1/notifications/read-all/").json() == {"count": 0}
