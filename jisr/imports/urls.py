"""Web routes of imports (jisr/core/routes.py classifies them)."""

from django.urls import path

from jisr.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.start, name="start"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/mapping/", views.mapping, name="mapping"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:run_id>/report/", views.run_report, name="run_report"),
    path("runs/<int:run_id>/import/", views.run_for_real, name="run_for_real"),
    path("runs/<int:run_id>/resume/", views.run_resume, name="run_resume"),
    path("sources/<int:source_id>/", views.source_edit, name="source_edit"),
]
