from django.urls import path

from jisr.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/", views.region, name="region"),
    path("province/<str:code>/", views.province, name="province"),
    path("commune/<str:code>/", views.commune, name="commune"),
]
