from django.urls import path

from jisr.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.kpis, name="kpis"),
    path("centres/<int:centre_id>/", views.kpis, name="kpis_centre"),
]
