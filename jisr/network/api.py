"""REST API of the network.

The directory (``/api/v1/directory/…``) and the HSDS export (``/api/v1/hsds/…``) are public
and read-only, and their serializers name every field they show, so no staff data (manager,
partner contact person) can slip in. The staff endpoints (``/api/v1/network/…``) read through
the selectors (scoped by the access policy) and write through the services.
"""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts.models import User
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.core.exceptions import NotFound
from jisr.network import hsds, selectors, services
from jisr.network.models import (
    Centre,
    PartnerOrganisation,
    Service,
    ServiceDomain,
    ServiceOffering,
)
from jisr.territory.api import PublicAPIView
from jisr.territory.models import Arrondissement, Commune, Province, Region

# --- public serializers --------------------------------------------------------------


class PublicServiceOutput(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code")

    class Meta:
        model = Service
        fields = ["code", "name_ar", "name_fr", "domain"]


class PublicOfferingOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    service = serializers.CharField(source="service.code")
    service_name_ar = serializers.CharField(source="service.name_ar")
    service_name_fr = serializers.CharField(source="service.name_fr")
    domain = serializers.CharField(source="service.domain.code")

    class Meta:
        model = ServiceOffering
        fields = ["id", "service", "service_name_ar", "service_name_fr", "domain", "status",
                  "eligibility", "minimum_age", "maximum_age", "languages", "schedule",
                  "capacity", "waiting_list", "response_days", "delivery_days", "updated_at"]


class _TerritoryFields(serializers.Serializer):
    commune = serializers.CharField(source="commune.code")
    commune_name_ar = serializers.CharField(source="commune.name_ar")
    commune_name_fr = serializers.CharField(source="commune.name_fr")
    province = serializers.CharField(source="commune.province.code")
    region = serializers.CharField(source="commune.province.region.code")


class PublicCentreOutput(_TerritoryFields, serializers.ModelSerializer):
    arrondissement = serializers.CharField(
        source="arrondissement.code", default=None,
        help_text="HCP code of the arrondissement, in a city divided into arrondissements.")
    arrondissement_name_ar = serializers.CharField(source="arrondissement.name_ar",
                                                   default=None)
    arrondissement_name_fr = serializers.CharField(source="arrondissement.name_fr",
                                                   default=None)

    class Meta:
        model = Centre
        # Never "manager": staff data.
        fields = ["code", "name_ar", "name_fr", "kind", "status", "commune",
                  "commune_name_ar", "commune_name_fr", "arrondissement",
                  "arrondissement_name_ar", "arrondissement_name_fr", "province", "region",
                  "address",
                  "latitude", "longitude", "capacity", "opening_hours", "phone", "email",
                  "description", "updated_at"]


class PublicCentreDetailOutput(PublicCentreOutput):
    offerings = PublicOfferingOutput(many=True, source="public_offerings")

    class Meta(PublicCentreOutput.Meta):
        fields = [*PublicCentreOutput.Meta.fields, "offerings"]


class PublicPartnerOutput(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    province = serializers.CharField(source="province.code", default=None)
    commune = serializers.CharField(source="commune.code", default=None)

    class Meta:
        model = PartnerOrganisation
        # Never the contact person: personal data.
        fields = ["code", "name_ar", "name_fr", "kind", "region", "province", "commune",
                  "address", "description", "phone", "email", "website", "updated_at"]


class PublicPartnerDetailOutput(PublicPartnerOutput):
    offerings = PublicOfferingOutput(many=True, source="public_offerings")

    class Meta(PublicPartnerOutput.Meta):
        fields = [*PublicPartnerOutput.Meta.fields, "offerings"]


class DomainOutput(serializers.ModelSerializer):
    class _Service(serializers.ModelSerializer):
        offering_count = serializers.IntegerField()

        class Meta:
            model = Service
            fields = ["code", "name_ar", "name_fr", "description_ar", "description_fr",
                      "offering_count"]

    services = _Service(many=True)

    class Meta:
        model = ServiceDomain
        fields = ["code", "name_ar", "name_fr", "services"]


class PublicOfferingListOutput(PublicOfferingOutput):
    centre = serializers.CharField(source="centre.code", default=None)
    partner = serializers.CharField(source="partner.code", default=None)

    class Meta(PublicOfferingOutput.Meta):
        fields = [*PublicOfferingOutput.Meta.fields, "centre", "partner"]


def _param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, description=description, required=False)


_DIRECTORY_FILTERS = [_param("region", "HCP région code"),
                      _param("province", "HCP province code (a prefecture of arrondissements: "
                             "the centres of its arrondissements)"),
                      _param("commune", "HCP commune code"),
                      _param("arrondissement", "HCP arrondissement code"),
                      _param("kind", "type of centre"),
                      _param("service", "catalogue service code"),
                      _param("domain", "catalogue domain code"),
                      _param("q", "part of a name, in either script")]


def _paginated(view, request, qs, serializer):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class DirectoryCentreListView(PublicAPIView):
    @extend_schema(parameters=_DIRECTORY_FILTERS, responses={200: PublicCentreOutput(many=True)},
                   operation_id="directory_centres_list", tags=["directory"])
    def get(self, request):
        """Centres of the network a citizen can go to (closed ones are left out)."""
        return _paginated(self, request, selectors.directory_centres(
            filters=request.query_params), PublicCentreOutput)


class DirectoryCentreDetailView(PublicAPIView):
    @extend_schema(responses={200: PublicCentreDetailOutput, 404: ErrorBodySerializer},
                   operation_id="directory_centres_retrieve", tags=["directory"])
    def get(self, request, code: str):
        return Response(PublicCentreDetailOutput(selectors.directory_centre_get(
            code=code)).data)


class DirectoryPartnerListView(PublicAPIView):
    @extend_schema(parameters=[p for p in _DIRECTORY_FILTERS
                               if p.name not in ("commune", "arrondissement")],
                   responses={200: PublicPartnerOutput(many=True)},
                   operation_id="directory_partners_list", tags=["directory"])
    def get(self, request):
        return _paginated(self, request, selectors.directory_partners(
            filters=request.query_params), PublicPartnerOutput)


class DirectoryPartnerDetailView(PublicAPIView):
    @extend_schema(responses={200: PublicPartnerDetailOutput, 404: ErrorBodySerializer},
                   operation_id="directory_partners_retrieve", tags=["directory"])
    def get(self, request, code: str):
        return Response(PublicPartnerDetailOutput(selectors.directory_partner_get(
            code=code)).data)


class ServiceCatalogueView(PublicAPIView):
    @extend_schema(responses={200: DomainOutput(many=True)}, operation_id="services_list",
                   tags=["directory"])
    def get(self, request):
        """The national service catalogue: domains and their services."""
        return Response(DomainOutput(selectors.catalogue(), many=True).data)


class DirectoryOfferingListView(PublicAPIView):
    @extend_schema(parameters=[p for p in _DIRECTORY_FILTERS
                               if p.name in ("region", "province", "service", "domain")],
                   responses={200: PublicOfferingListOutput(many=True)},
                   operation_id="directory_offerings_list", tags=["directory"])
    def get(self, request):
        """Active service offerings, at centres and by partners."""
        return _paginated(self, request, selectors.directory_offerings(
            filters=request.query_params), PublicOfferingListOutput)


# --- HSDS 3.0 ------------------------------------------------------------------------


class HsdsRootView(PublicAPIView):
    @extend_schema(responses={200: inline_serializer("HsdsInfo", {
        "version": serializers.CharField(), "profile": serializers.CharField(),
        "openapi_url": serializers.CharField()})}, operation_id="hsds_info", tags=["hsds"])
    def get(self, request):
        """About this HSDS 3.0 API (Open Referral's ``/`` endpoint)."""
        from django.urls import reverse

        return Response({"version": hsds.HSDS_VERSION,
                         "profile": "https://openreferral.org/",
                         "openapi_url": request.build_absolute_uri(reverse("api:schema"))})


class HsdsServiceListView(PublicAPIView):
    @extend_schema(parameters=[OpenApiParameter("page", int, required=False),
                               OpenApiParameter("per_page", int, required=False)],
                   responses={200: inline_serializer("HsdsPage", {
                       "total_items": serializers.IntegerField(),
                       "total_pages": serializers.IntegerField(),
                       "page_number": serializers.IntegerField(),
                       "size": serializers.IntegerField(),
                       "first_page": serializers.BooleanField(),
                       "last_page": serializers.BooleanField(),
                       "empty": serializers.BooleanField(),
                       "contents": serializers.ListField(child=serializers.DictField())})},
                   operation_id="hsds_services_list", tags=["hsds"])
    def get(self, request):
        """Fully nested HSDS 3.0 services, in HSDS's page format."""
        def number(name, default, most):
            try:
                return max(1, min(int(request.query_params.get(name, default)), most))
            except ValueError:
                return default

        per_page = number("per_page", 50, 500)
        qs = hsds.exported_offerings()
        total = qs.count()
        pages = max(1, math.ceil(total / per_page))
        page = min(number("page", 1, 10**9), pages)
        contents = [hsds.service_record(o)
                    for o in qs[(page - 1) * per_page:page * per_page]]
        return Response({"total_items": total, "total_pages": pages, "page_number": page,
                         "size": len(contents), "first_page": page == 1,
                         "last_page": page == pages, "empty": total == 0,
                         "contents": contents})


class HsdsServiceDetailView(PublicAPIView):
    @extend_schema(responses={200: serializers.DictField(), 404: ErrorBodySerializer},
                   operation_id="hsds_services_retrieve", tags=["hsds"])
    def get(self, request, service_id: str):
        offering = hsds.service_get(service_id)
        if offering is None:
            raise NotFound()
        return Response(hsds.service_record(offering))


# --- staff endpoints -----------------------------------------------------------------


class CentreOutput(PublicCentreOutput):
    id = serializers.IntegerField()
    manager = serializers.PrimaryKeyRelatedField(read_only=True)
    manager_username = serializers.CharField(source="manager.username", default=None)

    class Meta(PublicCentreOutput.Meta):
        fields = ["id", *PublicCentreOutput.Meta.fields, "manager", "manager_username"]


class _CentreFields(serializers.Serializer):
    name_ar = serializers.CharField(max_length=200)
    name_fr = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Centre.Kind.choices)
    status = serializers.ChoiceField(choices=Centre.Status.choices, required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=5, required=False,
                                        allow_null=True)
    longitude = serializers.DecimalField(max_digits=8, decimal_places=5, required=False,
                                         allow_null=True)
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    opening_hours = serializers.JSONField(required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False,
                                                 allow_null=True)
    arrondissement = serializers.SlugRelatedField(
        slug_field="code", queryset=Arrondissement.objects.all(), required=False,
        allow_null=True, help_text="HCP code of an arrondissement of the centre's commune.")


class CentreCreateInput(_CentreFields):
    code = serializers.RegexField(r"^[\w.-]{2,30}$")
    commune = serializers.SlugRelatedField(slug_field="code", queryset=Commune.objects.all())


class CentreUpdateInput(_CentreFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class CentreListView(APIView):
    @extend_schema(parameters=[*_DIRECTORY_FILTERS[:5], _param("status", "open, "
                                                                "temporarily_closed, closed")],
                   responses={200: CentreOutput(many=True)}, operation_id="centres_list",
                   tags=["network"])
    def get(self, request):
        """Centres the user works in or supervises, with their manager."""
        return _paginated(self, request, selectors.centre_list(
            user=request.user, filters=request.query_params), CentreOutput)

    @extend_schema(request=CentreCreateInput, responses={201: CentreOutput,
                                                         400: ErrorBodySerializer,
                                                         403: ErrorBodySerializer},
                   operation_id="centres_create", tags=["network"])
    def post(self, request):
        data = CentreCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        centre = services.centre_create(actor=request.user, **data.validated_data)
        return Response(CentreOutput(centre).data, status=status.HTTP_201_CREATED)


class CentreDetailView(APIView):
    @extend_schema(responses={200: CentreOutput, 404: ErrorBodySerializer},
                   operation_id="centres_retrieve", tags=["network"])
    def get(self, request, centre_id: int):
        return Response(CentreOutput(selectors.centre_get_for_user(
            user=request.user, centre_id=centre_id)).data)

    @extend_schema(request=CentreUpdateInput, responses={200: CentreOutput,
                                                         400: ErrorBodySerializer,
                                                         403: ErrorBodySerializer,
                                                         404: ErrorBodySerializer},
                   operation_id="centres_partial_update", tags=["network"])
    def patch(self, request, centre_id: int):
        centre = selectors.centre_get_for_user(user=request.user, centre_id=centre_id)
        data = CentreUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        centre = services.centre_update(actor=request.user, centre=centre, reason=reason,
                                        **changes)
        return Response(CentreOutput(centre).data)


class PartnerOutput(PublicPartnerOutput):
    id = serializers.IntegerField()

    class Meta(PublicPartnerOutput.Meta):
        fields = ["id", *PublicPartnerOutput.Meta.fields, "contact_name", "contact_phone",
                  "contact_email"]


class _PartnerFields(serializers.Serializer):
    name_ar = serializers.CharField(max_length=200)
    name_fr = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartnerOrganisation.Kind.choices)
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(),
                                            required=False, allow_null=True)
    commune = serializers.SlugRelatedField(slug_field="code", queryset=Commune.objects.all(),
                                           required=False, allow_null=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class PartnerCreateInput(_PartnerFields):
    code = serializers.RegexField(r"^[\w.-]{2,30}$")
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())


class PartnerUpdateInput(_PartnerFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class PartnerListView(APIView):
    @extend_schema(parameters=[_param("kind", "type of partner"), _param("q", "name")],
                   responses={200: PartnerOutput(many=True)}, operation_id="partners_list",
                   tags=["network"])
    def get(self, request):
        """Partners serving the user's region, with their contact person."""
        return _paginated(self, request, selectors.partner_list(
            user=request.user, filters=request.query_params), PartnerOutput)

    @extend_schema(request=PartnerCreateInput, responses={201: PartnerOutput,
                                                          400: ErrorBodySerializer,
                                                          403: ErrorBodySerializer},
                   operation_id="partners_create", tags=["network"])
    def post(self, request):
        data = PartnerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner = services.partner_create(actor=request.user, **data.validated_data)
        return Response(PartnerOutput(partner).data, status=status.HTTP_201_CREATED)


class PartnerDetailView(APIView):
    @extend_schema(responses={200: PartnerOutput, 404: ErrorBodySerializer},
                   operation_id="partners_retrieve", tags=["network"])
    def get(self, request, partner_id: int):
        return Response(PartnerOutput(selectors.partner_get_for_user(
            user=request.user, partner_id=partner_id)).data)

    @extend_schema(request=PartnerUpdateInput, responses={200: PartnerOutput,
                                                          400: ErrorBodySerializer,
                                                          403: ErrorBodySerializer,
                                                          404: ErrorBodySerializer},
                   operation_id="partners_partial_update", tags=["network"])
    def patch(self, request, partner_id: int):
        partner = selectors.partner_get_for_user(user=request.user, partner_id=partner_id)
        data = PartnerUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        partner = services.partner_update(actor=request.user, partner=partner, reason=reason,
                                          **changes)
        return Response(PartnerOutput(partner).data)


class OfferingOutput(PublicOfferingListOutput):
    pk = serializers.IntegerField()

    class Meta(PublicOfferingListOutput.Meta):
        fields = ["pk", *PublicOfferingListOutput.Meta.fields]


class _OfferingFields(serializers.Serializer):
    status = serializers.ChoiceField(choices=ServiceOffering.Status.choices, required=False)
    eligibility = serializers.CharField(required=False, allow_blank=True)
    minimum_age = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    maximum_age = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    languages = serializers.JSONField(required=False)
    schedule = serializers.JSONField(required=False)
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    waiting_list = serializers.IntegerField(min_value=0, required=False)
    response_days = serializers.IntegerField(min_value=1, max_value=365, required=False)
    delivery_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True,
        help_text="Days an accepted referral has to be delivered; null: "
                  "JISR_REFERRAL_DELIVERY_DAYS.")


class OfferingCreateInput(_OfferingFields):
    service = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all())
    centre = serializers.IntegerField(required=False, allow_null=True)
    partner = serializers.IntegerField(required=False, allow_null=True)


class OfferingUpdateInput(_OfferingFields):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OfferingListView(APIView):
    @extend_schema(parameters=[_param("service", "catalogue service code"),
                               _param("status", "active or suspended")],
                   responses={200: OfferingOutput(many=True)}, operation_id="offerings_list",
                   tags=["network"])
    def get(self, request):
        """Offerings of the centres and partners in the user's scope."""
        return _paginated(self, request, selectors.offering_list(
            user=request.user, filters=request.query_params), OfferingOutput)

    @extend_schema(request=OfferingCreateInput, responses={201: OfferingOutput,
                                                           400: ErrorBodySerializer,
                                                           403: ErrorBodySerializer,
                                                           404: ErrorBodySerializer},
                   operation_id="offerings_create", tags=["network"])
    def post(self, request):
        data = OfferingCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        centre_id, partner_id = fields.pop("centre", None), fields.pop("partner", None)
        # Providers are looked up in the user's scope: one outside it is "not found".
        centre = selectors.centre_get_for_user(user=request.user, centre_id=centre_id) \
            if centre_id else None
        partner = selectors.partner_get_for_user(user=request.user, partner_id=partner_id) \
            if partner_id else None
        offering = services.offering_create(actor=request.user, centre=centre,
                                            partner=partner, **fields)
        return Response(OfferingOutput(offering).data, status=status.HTTP_201_CREATED)


class OfferingDetailView(APIView):
    @extend_schema(responses={200: OfferingOutput, 404: ErrorBodySerializer},
                   operation_id="offerings_retrieve", tags=["network"])
    def get(self, request, offering_id: int):
        return Response(OfferingOutput(selectors.offering_get_for_user(
            user=request.user, offering_id=offering_id)).data)

    @extend_schema(request=OfferingUpdateInput, responses={200: OfferingOutput,
                                                           400: ErrorBodySerializer,
                                                           403: ErrorBodySerializer,
                                                           404: ErrorBodySerializer},
                   operation_id="offerings_partial_update", tags=["network"])
    def patch(self, request, offering_id: int):
        offering = selectors.offering_get_for_user(user=request.user, offering_id=offering_id)
        data = OfferingUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        offering = services.offering_update(actor=request.user, offering=offering,
                                            reason=reason, **changes)
        return Response(OfferingOutput(offering).data)
