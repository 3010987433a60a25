"""The monthly activity report: asked on the figures page, built in the background into a
workbook and a printed report in Arabic or French, downloaded only by who asked for it."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jisr.reports import aggregates
from jisr.reports.models import ActivityReport
from jisr.testing import pdftext


def _this_month():
    return f"{timezone.localdate():%Y-%m}"


def _ask(client, language="fr", centre=None, month=None):
    url = f"/reports/centres/{centre.pk}/monthly/" if centre else "/reports/monthly/"
    return client.post(url, {"month": month or _this_month(), "language": language})


def _read_line(pages, text, rtl):
    read = pdftext.right_to_left_text if rtl else pdftext.visual_text
    return any(text in read(line) for page in pages for line in pdftext.lines(page))


@pytest.fixture
def refreshed(world):
    return aggregates.kpis_refresh()


@pytest.fixture(autouse=True)
def _build_when_asked(monkeypatch, django_capture_on_commit_callbacks):
    """A report is built once the request that asked for it commits (its task then runs):
    run those callbacks at the end of each request, as a real commit would."""
    from django.test import Client

    request = Client.request

    def committed(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committed)


def test_a_manager_gets_her_centre_s_report_as_a_workbook_and_a_pdf(world, client_for,
                                                                     refreshed):
    client = client_for("khadija", "fr")
    response = _ask(client, "fr")
    assert response.status_code == 302
    report = ActivityReport.objects.exclude(pk=world.reports["khadija"].pk).get()
    assert report.status == "done" and report.progress == 100
    page = client.get("/reports/").content.decode()
    assert f"/reports/monthly/{report.pk}/xlsx/" in page
    book = load_workbook(io.BytesIO(b"".join(client.get(
        f"/reports/monthly/{report.pk}/xlsx/").streaming_content)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "Centre" and "Personnes accueillies" in rows[2]
    by_centre = {row[0]: row for row in rows[3:]}
    received = rows[2].index("Personnes accueillies")
    assert by_centre[world.centre_marrakech.name][received] == 2  # exact for the manager
    assert [s.title for s in book.worksheets][1:] == ["Par sexe", "Par tranche d'âge",
                                                      "Par catégorie de vulnérabilité"]
    pdf = b"".join(client.get(f"/reports/monthly/{report.pk}/pdf/").streaming_content)
    assert _read_line(pdftext.pages(pdf), "Rapport mensuel d'activité", rtl=False)


def test_the_arabic_report_reads_right_to_left(world, client_for, refreshed):
    client = client_for("omar", "ar")
    assert _ask(client, "ar").status_code == 302
    report = ActivityReport.objects.exclude(pk=world.reports["khadija"].pk).get()
    pdf = b"".join(client.get(f"/reports/monthly/{report.pk}/pdf/").streaming_content)
    pages = pdftext.pages(pdf)
    assert _read_line(pages, "التقرير الشهري للنشاط", rtl=True)
    assert _read_line(pages, "أقل من 5", rtl=True)  # the coordinator's small cells
    book = load_workbook(io.BytesIO(b"".join(client.get(
        f"/reports/monthly/{report.pk}/xlsx/").streaming_content)))
    assert book.worksheets[0].sheet_view.rightToLeft


@pytest.mark.parametrize("name", ["karim", "youssef", "rachid", "laila", "omar"])
def test_nobody_but_who_asked_downloads_the_report(world, client_for, refreshed, name):
    _ask(client_for("khadija"))
    report = ActivityReport.objects.exclude(pk=world.reports["khadija"].pk).get()
    client = client_for(name)
    for suffix in ("", "xlsx/", "pdf/"):
        assert client.get(f"/reports/monthly/{report.pk}/{suffix}").status_code in (403, 404)


@pytest.mark.parametrize("name", ["karim", "youssef", "rachid"])
def test_the_outsider_cannot_ask_for_a_report(world, client_for, name):
    assert _ask(client_for(name)).status_code == 403
    assert _ask(client_for(name), centre=world.centre_marrakech).status_code == 403
    assert ActivityReport.objects.count() == 1  # the world's own


def test_a_centre_outside_the_scope_cannot_be_reported(world, client_for):
    assert _ask(client_for("omar"), centre=world.centre_oujda).status_code == 404
    assert ActivityReport.objects.count() == 1  # the world's own


@pytest.mark.parametrize("month,message", [
    ("2026-13", "Indiquez un mois au format AAAA-MM."),
    ("2999-01", "Choisissez ce mois-ci ou un mois antérieur."),
])
def test_a_bad_month_is_refused_and_nothing_is_asked(world, client_for, month, message):
    response = _ask(client_for("khadija", "fr"), month=month)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ActivityReport.objects.count() == 1  # the world's own
