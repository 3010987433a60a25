from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jisr.accounts import api as accounts_api
from jisr.core import api_views as core_api
from jisr.imports import api as imports_api
from jisr.network import api as network_api
from jisr.network.urls import directory_patterns, staff_patterns
from jisr.registry import api as registry_api
from jisr.territory import api as territory_api

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
    # territories (public, read-only)
    path("territories/regions/", territory_api.RegionListView.as_view(), name="regions"),
    path("territories/regions/<str:code>/", territory_api.RegionDetailView.as_view(),
         name="region_detail"),
    path("territories/provinces/", territory_api.ProvinceListView.as_view(),
         name="provinces"),
    path("territories/provinces/<str:code>/", territory_api.ProvinceDetailView.as_view(),
         name="province_detail"),
    path("territories/cercles/", territory_api.CercleListView.as_view(), name="cercles"),
    path("territories/communes/", territory_api.CommuneListView.as_view(), name="communes"),
    path("territories/communes/<str:code>/", territory_api.CommuneDetailView.as_view(),
         name="commune_detail"),
    path("territories/arrondissements/", territory_api.ArrondissementListView.as_view(),
         name="arrondissements"),
    path("territories/indicators/", territory_api.IndicatorDefinitionListView.as_view(),
         name="census_indicators"),
    path("territories/sources/", territory_api.DataSourceView.as_view(),
         name="territory_sources"),
    # the public directory and its HSDS 3.0 export
    path("directory/centres/", network_api.DirectoryCentreListView.as_view(),
         name="directory_centres"),
    path("directory/centres/<str:code>/", network_api.DirectoryCentreDetailView.as_view(),
         name="directory_centre"),
    path("directory/partners/", network_api.DirectoryPartnerListView.as_view(),
         name="directory_partners"),
    path("directory/partners/<str:code>/", network_api.DirectoryPartnerDetailView.as_view(),
         name="directory_partner"),
    path("directory/services/", network_api.ServiceCatalogueView.as_view(),
         name="directory_services"),
    path("directory/offerings/", network_api.DirectoryOfferingListView.as_view(),
         name="directory_offerings"),
    path("hsds/", network_api.HsdsRootView.as_view(), name="hsds_root"),
    path("hsds/services/", network_api.HsdsServiceListView.as_view(), name="hsds_services"),
    path("hsds/services/<str:service_id>/", network_api.HsdsServiceDetailView.as_view(),
         name="hsds_service"),
    # the network, for staff (scoped)
    path("network/centres/", network_api.CentreListView.as_view(), name="centres"),
    path("network/centres/<int:centre_id>/", network_api.CentreDetailView.as_view(),
         name="centre_detail"),
    path("network/partners/", network_api.PartnerListView.as_view(), name="partners"),
    path("network/partners/<int:partner_id>/", network_api.PartnerDetailView.as_view(),
         name="partner_detail"),
    path("network/offerings/", network_api.OfferingListView.as_view(), name="offerings"),
    path("network/offerings/<int:offering_id>/", network_api.OfferingDetailView.as_view(),
         name="offering_detail"),
    # the registry of persons (scoped; identity cards beyond the scope)
    path("persons/", registry_api.PersonListView.as_view(), name="persons"),
    path("persons/duplicates/", registry_api.PersonDuplicatesView.as_view(),
         name="persons_duplicates"),
    path("persons/<int:person_id>/", registry_api.PersonDetailView.as_view(),
         name="person_detail"),
    path("persons/<int:person_id>/documents/", registry_api.PersonDocumentView.as_view(),
         name="person_documents"),
    path("persons/<int:person_id>/phones/", registry_api.PersonPhoneView.as_view(),
         name="person_phones"),
    path("persons/<int:person_id>/consents/", registry_api.PersonConsentView.as_view(),
         name="person_consents"),
    path("persons/<int:person_id>/sensitive/", registry_api.PersonSensitiveView.as_view(),
         name="person_sensitive"),
    path("persons/<int:person_id>/break-the-glass/", registry_api.BreakGlassView.as_view(),
         name="person_break_glass"),
    path("persons/<int:person_id>/move/", registry_api.PersonMoveView.as_view(),
         name="person_move"),
    path("consents/<int:consent_id>/withdraw/", registry_api.ConsentWithdrawView.as_view(),
         name="consent_withdraw"),
    path("households/", registry_api.HouseholdListView.as_view(), name="households"),
    path("households/<int:household_id>/", registry_api.HouseholdDetailView.as_view(),
         name="household_detail"),
    path("households/<int:household_id>/members/", registry_api.HouseholdMemberView.as_view(),
         name="household_members"),
    # bulk imports of persons and households (centre managers, their centre)
    path("imports/sources/", imports_api.SourceListView.as_view(), name="import_sources"),
    path("imports/runs/", imports_api.RunListView.as_view(), name="import_runs"),
    path("imports/runs/<int:run_id>/", imports_api.RunDetailView.as_view(),
         name="import_run_detail"),
    path("imports/runs/<int:run_id>/issues/", imports_api.RunIssuesView.as_view(),
         name="import_run_issues"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", include("jisr.core.urls")),
    path("accounts/", include("jisr.accounts.urls")),
    path("territories/", include("jisr.territory.urls")),
    path("directory/", include(directory_patterns)),
    path("network/", include(staff_patterns)),
    path("registry/", include("jisr.registry.urls")),
    path("imports/", include("jisr.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
]

handler403 = "jisr.core.views.handler403"
handler404 = "jisr.core.views.handler404"
handler500 = "jisr.core.views.handler500"
