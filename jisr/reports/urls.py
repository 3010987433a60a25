from django.urls import path

from jisr.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.kpis, name="kpis"),
    path("centres/<int:centre_id>/", views.kpis, name="kpis_centre"),
    path("monthly/", views.monthly_request, name="monthly_request"),
    path("centres/<int:centre_id>/monthly/", views.monthly_request,
         name="monthly_request_centre"),
    path("monthly/<int:report_id>/", views.monthly_detail, name="monthly_detail"),
    path("monthly/<int:report_id>/<str:kind>/", views.monthly_file, name="monthly_file"),
]
