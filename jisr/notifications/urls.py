"""Web routes of the inbox (jisr/core/routes.py classifies them)."""

from django.urls import path

from jisr.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
]
