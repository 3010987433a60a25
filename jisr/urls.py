from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jisr.accounts import api as accounts_api
from jisr.core import api_views as core_api

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="auth_token"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("roles/", accounts_api.RoleListView.as_view(), name="roles"),
    path("users/", accounts_api.UserListView.as_view(), name="users"),
    path("users/<int:user_id>/", accounts_api.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:user_id>/deactivate/", accounts_api.UserDeactivateView.as_view(),
         name="user_deactivate"),
    path("users/<int:user_id>/activate/", accounts_api.UserActivateView.as_view(),
         name="user_activate"),
    path("audit/", core_api.AuditListView.as_view(), name="audit"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", include("jisr.core.urls")),
    path("accounts/", include("jisr.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
]

handler403 = "jisr.core.views.handler403"
handler404 = "jisr.core.views.handler404"
handler500 = "jisr.core.views.handler500"
