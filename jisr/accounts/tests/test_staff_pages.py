from django.core import mail

from jisr.accounts.models import User
from jisr.accounts.roles import Role


def test_an_administrator_creates_an_account_from_the_form(world, client_for,
                                                           django_capture_on_commit_callbacks):
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/staff/new/", {
            "username": "hanane", "email": "hanane@test.ma", "first_name": "Hanane",
            "last_name": "Saidi", "full_name_ar": "حنان السعيدي", "role": Role.SOCIAL_WORKER,
            "centre": world.centre_safi.pk})
    user = User.objects.get(username="hanane")
    assert response.url == f"/accounts/staff/{user.pk}/"
    assert user.centre == world.centre_safi and not user.has_usable_password()
    assert mail.outbox[0].to == ["hanane@test.ma"]


def test_the_form_explains_a_missing_scope_next_to_the_field(world, client_for):
    response = client_for("admin").post("/accounts/staff/new/", {
        "username": "hanane", "email": "hanane@test.ma", "role": Role.REGIONAL_COORDINATOR})
    assert response.status_code == 200
    assert response.context["form"].errors["region"] == ["This role covers a region: choose it."]
    assert not User.objects.filter(username="hanane").exists()


def test_an_administrator_rescopes_and_deactivates_from_the_pages(world, client_for):
    client = client_for("admin")
    url = f"/accounts/staff/{world.youssef.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"youssef" in page.content
    client.post(url, {"email": world.youssef.email, "role": Role.SOCIAL_WORKER,
                      "centre": world.centre_safi.pk})
    world.youssef.refresh_from_db()
    assert world.youssef.centre == world.centre_safi
    refused = client.post(f"{url}deactivate/", {"reason": ""}, follow=True)
    assert b"Give a reason" in refused.content
    client.post(f"{url}deactivate/", {"reason": "left the ministry"})
    world.youssef.refresh_from_db()
    assert not world.youssef.is_active


def test_the_staff_list_filters_and_pages_with_htmx(world, client_for,
                                                    django_assert_max_num_queries):
    client = client_for("admin")
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/staff/", {"role": Role.SOCIAL_WORKER})
    usernames = {u.username for u in page.context["page"]}
    assert usernames == {"youssef", "marrakech_worker", "safi", "karim"}
    partial = client.get("/accounts/staff/", {"q": "kar"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"karim" in partial.content


def test_a_team_page_lists_colleagues_only(world, client_for):
    page = client_for("youssef").get("/accounts/team/")
    names = {m.username for m in page.context["members"]}
    assert names == {"amina", "khadija", "marrakech_worker"}


def test_the_outsider_and_other_roles_cannot_open_staff_pages(world, client_for):
    for name in ("karim", "khadija", "omar", "nadia", "rachid"):
        client = client_for(name)
        assert client.get("/accounts/staff/").status_code == 403
        assert client.get(f"/accounts/staff/{world.youssef.pk}/").status_code == 403
        assert client.post(f"/accounts/staff/{world.youssef.pk}/deactivate/",
                           {"reason": "x"}).status_code == 403
    assert User.objects.get(pk=world.youssef.pk).is_active
