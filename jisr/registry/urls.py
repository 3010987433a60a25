"""Web routes of the registry (jisr/core/routes.py classifies them)."""

from django.urls import path

from jisr.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/duplicates/", views.duplicate_candidates, name="duplicate_candidates"),
    path("persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/documents/", views.document_add, name="document_add"),
    path("persons/<int:person_id>/phones/", views.phone_add, name="phone_add"),
    path("persons/<int:person_id>/consents/", views.consent_record, name="consent_record"),
    path("persons/<int:person_id>/sensitive/", views.sensitive, name="sensitive"),
    path("persons/<int:person_id>/emergency-access/", views.break_glass, name="break_glass"),
    path("persons/<int:person_id>/household/new/", views.household_create,
         name="household_create"),
    path("persons/<int:person_id>/household/", views.household_join, name="household_join"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw,
         name="consent_withdraw"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/scan/", views.duplicate_scan_start, name="duplicate_scan_start"),
    path("duplicates/scans/<int:scan_id>/", views.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<int:pair_id>/", views.duplicate_pair, name="duplicate_pair"),
    path("duplicates/<int:pair_id>/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("duplicates/<int:pair_id>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("merges/<int:merge_id>/", views.merge_detail, name="merge_detail"),
]
