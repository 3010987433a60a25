"""Documents of a case: type and size limits, content checked by its first bytes, stored
through Django's storage API under a random name, downloaded only through the scoped view
(audited). A refused upload stores nothing."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jisr.cases import casework_services as casework
from jisr.cases.casework import CaseDocument
from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.testing.personas import OUTSIDER

PDF = b"%PDF-1.4\n%a certificate\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


def _files(media, case):
    folder = media / "cases" / str(case.pk)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_pdf_is_stored_under_a_random_name_and_read_back(world, case, media):
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF, content_type="application/pdf")
    document = casework.document_add(actor=world.amina, case=case, upload=upload,
                                      kind="medical_certificate")
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.storage_name.startswith(f"cases/{case.pk}/")
    assert "passwd" not in document.storage_name and document.original_name == "passwd.pdf"
    assert default_storage.open(document.storage_name).read() == PDF
    assert case.events.filter(kind="document").exists()


def test_the_content_decides_not_the_extension(world, case, media):
    upload = SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf")
    document = casework.document_add(actor=world.amina, case=case, upload=upload,
                                      kind="id_copy")
    assert document.content_type == "image/png" and document.storage_name.endswith(".png")


@pytest.mark.parametrize("content", [b"MZ\x90\x00 an executable", b"<html><script>",
                                     b"GIF89a......"])
def test_another_kind_of_file_is_refused_and_nothing_is_stored(world, case, media, content):
    before, stored = CaseDocument.objects.count(), _files(media, case)
    with pytest.raises(ValidationFailed) as refused:
        casework.document_add(actor=world.amina, case=case, kind="other",
                              upload=SimpleUploadedFile("scan.pdf", content))
    assert "file" in refused.value.fields
    assert CaseDocument.objects.count() == before and _files(media, case) == stored


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(world, case, media,
                                                                settings):
    settings.JISR_DOCUMENT_MAX_BYTES = 1000
    before, stored = CaseDocument.objects.count(), _files(media, case)
    with pytest.raises(ValidationFailed):
        casework.document_add(actor=world.amina, case=case, kind="other",
                              upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 1000))
    assert CaseDocument.objects.count() == before and _files(media, case) == stored


def test_an_empty_file_or_an_unknown_type_of_document_is_refused(world, case, media):
    with pytest.raises(ValidationFailed):
        casework.document_add(actor=world.amina, case=case, kind="other",
                              upload=SimpleUploadedFile("empty.pdf", b""))
    with pytest.raises(ValidationFailed) as refused:
        casework.document_add(actor=world.amina, case=case, kind="passport_photo",
                              upload=SimpleUploadedFile("a.pdf", PDF))
    assert "kind" in refused.value.fields


def test_a_type_left_out_of_the_setting_is_refused(world, case, media, settings):
    settings.JISR_DOCUMENT_TYPES = ["application/pdf"]
    with pytest.raises(ValidationFailed):
        casework.document_add(actor=world.amina, case=case, kind="other",
                              upload=SimpleUploadedFile("p.png", PNG))


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid"])
def test_outsiders_store_nothing(world, case, media, persona):
    stored = _files(media, case)
    with pytest.raises(NotFound):
        casework.document_add(actor=world.users[persona], case=case, kind="other",
                              upload=SimpleUploadedFile("a.pdf", PDF))
    assert _files(media, case) == stored


# --- pages and API -----------------------------------------------------------------------

def test_uploading_from_the_page_then_downloading_is_audited(world, case, media,
                                                              client_for):
    client = client_for("amina")
    response = client.post(f"/cases/{case.pk}/documents/", {
        "kind": "school_certificate", "title": "Certificat 2025",
        "file": SimpleUploadedFile("certificat.pdf", PDF)})
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case, kind="school_certificate")
    response = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="cases.document.download",
                                     object_id=str(document.pk)).exists()


def test_a_wrong_file_on_the_page_gets_a_translated_error_and_stores_nothing(
        world, case, media, client_for):
    before, stored = CaseDocument.objects.count(), _files(media, case)
    response = client_for("amina", "fr").post(f"/cases/{case.pk}/documents/", {
        "kind": "other", "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert "Seuls les fichiers PDF" in response.content.decode()
    assert CaseDocument.objects.count() == before and _files(media, case) == stored


def test_an_oversized_file_through_the_api_gets_a_translated_error(world, case, media,
                                                                    api_for, settings):
    settings.JISR_DOCUMENT_MAX_BYTES = 2_000_000
    api = api_for("amina")
    stored = _files(media, case)
    response = api.post(f"/api/v1/cases/{case.pk}/documents/", {
        "kind": "other", "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2_000_000)},
        format="multipart", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "trop volumineux" in response.json()["error"]["fields"]["file"][0]
    assert _files(media, case) == stored


def test_the_api_uploads_lists_and_downloads(world, case, media, api_for,
                                             django_assert_max_num_queries):
    api = api_for("youssef")
    response = api.post(f"/api/v1/cases/{case.pk}/documents/", {
        "kind": "id_copy", "file": SimpleUploadedFile("cin.png", PNG)}, format="multipart")
    assert response.status_code == 201, response.content
    with django_assert_max_num_queries(8):
        listed = api.get(f"/api/v1/cases/{case.pk}/documents/").json()["results"]
    assert response.json()["id"] in {d["id"] for d in listed}
    download = api.get(f"/api/v1/cases/{case.pk}/documents/{response.json()['id']}/")
    assert download.status_code == 200 and download.content == PNG


@pytest.mark.parametrize("persona", [OUTSIDER, "rachid"])
def test_outsiders_download_nothing(world, case, client_for, api_for, persona):
    document = world.documents["marrakech"]
    assert client_for(persona).get(
        f"/cases/{case.pk}/documents/{document.pk}/").status_code in (403, 404)
    assert api_for(persona).get(
        f"/api/v1/cases/{case.pk}/documents/{document.pk}/").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="cases.document.download").exists()
