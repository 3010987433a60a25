"""The import pages and API as a centre manager uses them, and as everyone else (who gets
nothing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from jisr.imports.models import ImportRun, ImportSource
from jisr.imports.tests.helpers import csv_bytes, person
from jisr.registry.models import Person
from jisr.testing.import_factories import import_world
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA


def _upload(content: bytes, name="liste.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_manager_imports_a_file_through_the_pages(world, client_for,
                                                    django_capture_on_commit_callbacks):
    client = client_for("khadija", "fr")
    rows = [person(first="Hanane", family="Cherkaoui"), person(cin="??"),
            person(first="Yassine", family="Cherkaoui", first_ar="", family_ar="",
                   address="=1+1")]
    # Step 1: the file and the source
    response = client.post(reverse("imports:start"), {
        "new_source": "Association Al Amal", "file": _upload(csv_bytes(rows)),
        "dry_run": "on"})
    run = ImportRun.objects.get(source__name="Association Al Amal")
    assert response.url == reverse("imports:mapping", args=[run.pk])
    # Step 2: the columns, guessed from their French and Arabic headers
    page = client.get(response.url)
    assert page.status_code == 200
    form = page.context["form"]
    guessed = {f.label: f.initial for f in form.column_fields()}
    assert guessed["Prénom"] == "first_name_lat" and guessed["الاسم الشخصي"] == "first_name_ar"
    assert guessed["Date de naissance"] == "birth_date" and guessed["CIN"] == "cin"
    data = {f"column_{i}": f.initial for i, f in enumerate(form.column_fields())}
    data["column_9"] = ""  # the manager decides not to import the address
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:mapping", args=[run.pk]), data)
    assert response.url == reverse("imports:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done" and run.created == 2 and run.invalid == 1
    assert not Person.objects.filter(family_name_lat="Cherkaoui").exists()
    # The mapping is remembered for the source
    source = ImportSource.objects.get(name="Association Al Amal")
    assert source.mapping["Prénom"] == "first_name_lat" and "Adresse" not in source.mapping
    # Step 3: the report, in French, and the real import
    page = client.get(reverse("imports:run_detail", args=[run.pk]))
    body = page.content.decode()
    assert "Windows" not in body and "??" in body
    assert "carte" in body.lower()  # the CIN message in French
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:run_for_real", args=[run.pk]))
    real = ImportRun.objects.filter(source=run.source).exclude(pk=run.pk).get()
    assert response.url == reverse("imports:run_detail", args=[real.pk])
    assert Person.objects.filter(family_name_lat="Cherkaoui").count() == 2


def test_the_progress_bar_polls_until_the_run_ends(world, client_for):
    ids = import_world(world)
    client = client_for("khadija")
    run = ImportRun.objects.get(pk=ids["runs"][0])
    run.status, run.cursor, run.total_rows = "running", 40, 160
    run.save()
    response = client.get(reverse("imports:run_progress", args=[run.pk]),
                          HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="25"' in body
    assert "HX-Refresh" not in response
    run.status = "done"
    run.save()
    response = client.get(reverse("imports:run_progress", args=[run.pk]),
                          HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_report_downloads_in_arabic_and_french_without_formulas(world, client_for,
                                                                    language):
    client = client_for("khadija")
    rows = [person(address="=HYPERLINK(\"http://x\")"), person(cin="bad!")]
    client.post(reverse("imports:start"), {"new_source": "S", "file": _upload(csv_bytes(rows)),
                                           "dry_run": "on"})
    run = ImportRun.objects.get(source__name="S")
    from jisr.imports import services

    services.import_run_confirm(actor=world.khadija, run=run, mapping=run.mapping)
    services.import_run_execute(run_id=run.pk)
    url = reverse("imports:run_report", args=[run.pk])
    text = client.get(url, {"format": "csv", "language": language}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == ("الصف" if language == "ar" else "Ligne")
    values = [line[2] for line in lines[1:]]
    assert "'=HYPERLINK(\"http://x\")" in values  # shown as text, never a formula
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx",
                                                         "language": language}).content))
    sheet = workbook.active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "=HYPERLINK(\"http://x\")" in cells
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.sheet_view.rightToLeft == (language == "ar")


@pytest.mark.parametrize("persona", ["amina", "youssef", "laila", "omar", "admin", "nadia",
                                     "rachid", "karim"])
def test_nobody_else_sees_the_centres_imports(world, client_for, persona):
    ids = import_world(world)
    client = client_for(persona)
    marrakech_run, marrakech_source = ids["runs"][0], ids["sources"][0]
    for url in (reverse("imports:index"), reverse("imports:start"),
                reverse("imports:run_detail", args=[marrakech_run]),
                reverse("imports:run_report", args=[marrakech_run]),
                reverse("imports:source_edit", args=[marrakech_source])):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (persona, url)
        assert CANARY_PERSON_MARRAKECH not in response.content.decode()


def test_the_outsider_manager_sees_only_their_own_centres_imports(world, client_for):
    # Karim is a social worker; a manager of Oujda sees Oujda's imports, not Marrakech's
    from jisr.accounts.roles import Role
    from jisr.testing.factories import UserFactory

    ids = import_world(world)
    manager = UserFactory(username="oujda_manager", role=Role.CENTRE_MANAGER,
                          centre=world.centre_oujda)
    client = client_for("khadija")
    client.force_login(manager)
    index = client.get(reverse("imports:index")).content.decode()
    assert CANARY_PERSON_OUJDA in index and CANARY_PERSON_MARRAKECH not in index
    for run_id in ids["runs"][:2]:
        assert client.get(reverse("imports:run_detail", args=[run_id])).status_code == 404
    report = client.get(reverse("imports:run_detail", args=[ids["runs"][2]])).content.decode()
    assert CANARY_PERSON_OUJDA in report
    # The matched person of Oujda is linked for the manager of Oujda
    assert reverse("registry:person_detail", args=[world.persons["oujda"].pk]) in report


def test_a_matched_person_of_another_centre_is_not_linked(world, client_for):
    ids = import_world(world)
    run = ImportRun.objects.get(pk=ids["runs"][0])
    issue = run.issues.get(code="matched")
    issue.person = world.persons["oujda"]
    issue.save()
    body = client_for("khadija").get(reverse("imports:run_detail", args=[run.pk])
                                      ).content.decode()
    assert reverse("registry:person_detail", args=[world.persons["oujda"].pk]) not in body
    assert "another centre" in body


def test_a_source_mapping_is_edited(world, client_for):
    ids = import_world(world)
    client = client_for("khadija")
    url = reverse("imports:source_edit", args=[ids["sources"][0]])
    response = client.post(url, {"name": "Association Annour", "column_0": "family_name_ar",
                                 "new_header_0": "Tél.", "new_field_0": "phone"})
    assert response.status_code == 302
    source = ImportSource.objects.get(pk=ids["sources"][0])
    assert source.name == "Association Annour"
    assert source.mapping == {"Nom": "family_name_ar", "Tél.": "phone"}
    # Two columns feeding one field: refused, nothing changed
    response = client.post(url, {"name": "X", "column_0": "phone", "column_1": "phone",
                                 "new_header_0": "GSM", "new_field_0": "phone"})
    assert response.status_code == 200 and "one column only" in response.content.decode()
    source.refresh_from_db()
    assert source.name == "Association Annour"


# --- API -------------------------------------------------------------------------------

@pytest.fixture
def api(world, client):
    def call(persona, method, url, **kwargs):
        token, _ = Token.objects.get_or_create(user=world.users[persona])
        return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Token {token.key}",
                                       HTTP_ACCEPT_LANGUAGE="fr", **kwargs)
    return call


def test_an_import_through_the_api(world, api, django_capture_on_commit_callbacks):
    rows = [person(first="Loubna", family="Squalli"), person(born="32/13/1990")]
    with django_capture_on_commit_callbacks(execute=True):
        response = api("khadija", "post", "/api/v1/imports/runs/", data={
            "file": _upload(csv_bytes(rows)), "source": "Association Al Amal",
            "dry_run": "false"})
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    detail = api("khadija", "get", f"/api/v1/imports/runs/{run_id}/").json()
    assert detail["status"] == "done" and detail["percent"] == 100
    assert detail["created"] == 1 and detail["invalid"] == 1
    issues = api("khadija", "get", f"/api/v1/imports/runs/{run_id}/issues/").json()
    assert issues["count"] == 1
    line = issues["results"][0]
    assert line["row"] == 3 and line["column"] == "Date de naissance"
    assert "date" in line["message"].lower() and line["severity"] == "error"
    sources = api("khadija", "get", "/api/v1/imports/sources/").json()
    assert "Association Al Amal" in [s["name"] for s in sources]


def test_the_api_refuses_bad_input_and_changes_nothing(world, api):
    runs = ImportRun.objects.count()
    bad = api("khadija", "post", "/api/v1/imports/runs/", data={
        "file": _upload(b"\x89PNG\r\n\x1a\n" + bytes(200)), "source": "S"})
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    bad = api("khadija", "post", "/api/v1/imports/runs/", data={
        "file": _upload(csv_bytes([person()])), "source": "S", "mapping": "{not json"})
    assert bad.status_code == 400 and "mapping" in bad.json()["error"]["fields"]
    bad = api("khadija", "post", "/api/v1/imports/runs/", data={
        "file": _upload(csv_bytes([person()], headers=["A", "B"] + [str(i) for i in range(10)])),
        "source": "S"})
    assert bad.status_code == 400
    assert ImportRun.objects.count() == runs


@pytest.mark.parametrize("persona", ["karim", "amina", "omar", "admin"])
def test_the_api_gives_others_nothing(world, api, persona):
    ids = import_world(world)
    response = api(persona, "post", "/api/v1/imports/runs/", data={
        "file": _upload(csv_bytes([person()])), "source": "S"})
    assert response.status_code == 403
    for url in ("/api/v1/imports/sources/", "/api/v1/imports/runs/",
                f"/api/v1/imports/runs/{ids['runs'][0]}/",
                f"/api/v1/imports/runs/{ids['runs'][0]}/issues/"):
        response = api(persona, "get", url)
        assert response.status_code in (403, 404), (persona, url)
        assert CANARY_PERSON_MARRAKECH not in response.content.decode()


def test_the_report_page_and_endpoint_cost_the_same_queries_for_more_lines(world, client_for,
                                                                          api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jisr.imports.models import ImportIssue

    run = ImportRun.objects.get(pk=import_world(world)["runs"][0])
    client = client_for("khadija")
    url = reverse("imports:run_detail", args=[run.pk])
    api_url = f"/api/v1/imports/runs/{run.pk}/issues/"

    def queries():
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as endpoint:
            assert api("khadija", "get", api_url).status_code == 200
        return len(page), len(endpoint)

    queries()  # the first call creates the API token
    few = queries()
    ImportIssue.objects.bulk_create(
        ImportIssue(run=run, row=10 + i, severity="info", code="matched",
                    person=world.persons["marrakech"] if i % 2 else world.persons["oujda"])
        for i in range(30))
    assert queries() == few
