"""Web routes of the network: the public directory and the staff pages (each list is
included under its own namespace by jisr/urls.py; jisr/core/routes.py classifies them)."""

from django.urls import path

from jisr.network import views

directory_patterns = ([
    path("", views.directory, name="index"),
    path("services/", views.catalogue, name="services"),
    path("centres/<str:code>/", views.directory_centre, name="centre"),
    path("partners/<str:code>/", views.directory_partner, name="partner"),
], "directory")

staff_patterns = ([
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/new/", views.centre_create, name="centre_create"),
    path("centres/<int:centre_id>/", views.centre_edit, name="centre_edit"),
    path("centres/<int:centre_id>/offerings/new/", views.offering_create,
         name="centre_offering_create"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<int:partner_id>/", views.partner_edit, name="partner_edit"),
    path("partners/<int:partner_id>/offerings/new/", views.offering_create,
         name="partner_offering_create"),
    path("offerings/<int:offering_id>/", views.offering_edit, name="offering_edit"),
], "network")
