"""Public, read-only API of the territories and census figures (no login, no personal data)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.territory import selectors
from jisr.territory.models import (
    Arrondissement,
    CensusIndicators,
    Cercle,
    Commune,
    DataSource,
    IndicatorDefinition,
    Province,
    Region,
)

_FIGURES = ["population_2024", "households_2024", "population_2014", "households_2014"]


class PublicAPIView(APIView):
    # Public reference data: no session or token is read, so no CSRF or login applies.
    permission_classes = [AllowAny]
    authentication_classes: list = []


class RegionOutput(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name_ar", "name_fr", *_FIGURES]


class ProvinceOutput(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    parent = serializers.CharField(source="parent.code", default=None)

    class Meta:
        model = Province
        fields = ["code", "name_ar", "name_fr", "kind", "region", "parent", *_FIGURES]


class CercleOutput(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    region = serializers.CharField(source="province.region.code")

    class Meta:
        model = Cercle
        fields = ["code", "name_ar", "name_fr", "province", "region", *_FIGURES]


class CommuneOutput(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    region = serializers.CharField(source="province.region.code")
    cercle = serializers.CharField(source="cercle.code", default=None)

    class Meta:
        model = Commune
        fields = ["code", "name_ar", "name_fr", "kind", "slug", "region", "province",
                  "cercle", "has_arrondissements", *_FIGURES]


class ArrondissementOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code")
    prefecture = serializers.CharField(source="prefecture.code", default=None)

    class Meta:
        model = Arrondissement
        fields = ["code", "name_ar", "name_fr", "commune", "prefecture", *_FIGURES]


class IndicatorDefinitionOutput(serializers.ModelSerializer):
    class Meta:
        model = IndicatorDefinition
        fields = ["key", "position", "subject", "topic", "label_en", "label_fr", "label_ar",
                  "heading_fr", "category_fr", "unit", "definition_fr", "sexes",
                  "excludes_homeless"]


class IndicatorsField(serializers.DictField):
    """{area: {indicator key: value}}; area is total, urban or rural."""

    child = serializers.DictField(child=serializers.FloatField(allow_null=True))


class RegionDetailOutput(RegionOutput):
    indicators = IndicatorsField()

    class Meta(RegionOutput.Meta):
        fields = [*RegionOutput.Meta.fields, "indicators"]


class ProvinceDetailOutput(ProvinceOutput):
    indicators = IndicatorsField()

    class Meta(ProvinceOutput.Meta):
        fields = [*ProvinceOutput.Meta.fields, "indicators"]


class CommuneDetailOutput(CommuneOutput):
    indicators = IndicatorsField()
    arrondissements = ArrondissementOutput(many=True, source="arrondissements_list")

    class Meta(CommuneOutput.Meta):
        fields = [*CommuneOutput.Meta.fields, "indicators", "arrondissements"]


class DataSourceOutput(serializers.ModelSerializer):
    class Meta:
        model = DataSource
        fields = ["package", "package_version", "dataset_version", "publisher", "licence",
                  "licence_url", "terms_url", "homepage", "repository", "citation",
                  "changes", "documents"]


def _paginated(view, request, qs, serializer):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, description=description, required=False)


class RegionListView(PublicAPIView):
    @extend_schema(responses={200: RegionOutput(many=True)}, operation_id="regions_list",
                   tags=["territories"])
    def get(self, request):
        """The 12 régions with their 2024 and 2014 population and households."""
        return Response(RegionOutput(selectors.region_list(), many=True).data)


class RegionDetailView(PublicAPIView):
    @extend_schema(responses={200: RegionDetailOutput, 404: ErrorBodySerializer},
                   operation_id="regions_retrieve", tags=["territories"])
    def get(self, request, code: str):
        region = selectors.region_get(code=code)
        region.indicators = selectors.indicators_of(level=CensusIndicators.Level.REGION,
                                                    code=code)
        return Response(RegionDetailOutput(region).data)


class ProvinceListView(PublicAPIView):
    @extend_schema(parameters=[_param("region", "HCP région code"),
                               _param("kind", "province, prefecture or "
                                              "prefecture_of_arrondissements")],
                   responses={200: ProvinceOutput(many=True)}, operation_id="provinces_list",
                   tags=["territories"])
    def get(self, request):
        """Provinces and préfectures (including Casablanca's préfectures d'arrondissements)."""
        qs = selectors.province_list(filters=request.query_params)
        return Response(ProvinceOutput(qs, many=True).data)


class ProvinceDetailView(PublicAPIView):
    @extend_schema(responses={200: ProvinceDetailOutput, 404: ErrorBodySerializer},
                   operation_id="provinces_retrieve", tags=["territories"])
    def get(self, request, code: str):
        province = selectors.province_get(code=code)
        province.indicators = selectors.indicators_of(level=CensusIndicators.Level.PROVINCE,
                                                      code=code)
        return Response(ProvinceDetailOutput(province).data)


class CercleListView(PublicAPIView):
    @extend_schema(parameters=[_param("region", "HCP région code"),
                               _param("province", "HCP province code")],
                   responses={200: CercleOutput(many=True)}, operation_id="cercles_list",
                   tags=["territories"])
    def get(self, request):
        return _paginated(self, request, selectors.cercle_list(filters=request.query_params),
                          CercleOutput)


class CommuneListView(PublicAPIView):
    @extend_schema(parameters=[_param("region", "HCP région code"),
                               _param("province", "HCP province code"),
                               _param("cercle", "HCP cercle code"),
                               _param("kind", "urban or rural"),
                               _param("q", "part of a name (either script) or a code prefix")],
                   responses={200: CommuneOutput(many=True)}, operation_id="communes_list",
                   tags=["territories"])
    def get(self, request):
        """The 1,503 communes (arrondissements are listed separately)."""
        return _paginated(self, request, selectors.commune_list(filters=request.query_params),
                          CommuneOutput)


class CommuneDetailView(PublicAPIView):
    @extend_schema(responses={200: CommuneDetailOutput, 404: ErrorBodySerializer},
                   operation_id="communes_retrieve", tags=["territories"])
    def get(self, request, code: str):
        """A commune with its 2024 census indicators by area and its arrondissements."""
        commune = selectors.commune_get(code=code)
        commune.indicators = selectors.indicators_of(level=CensusIndicators.Level.COMMUNE,
                                                     code=code)
        commune.arrondissements_list = list(selectors.arrondissement_list(
            filters={"commune": code}))
        return Response(CommuneDetailOutput(commune).data)


class ArrondissementListView(PublicAPIView):
    @extend_schema(parameters=[_param("commune", "HCP code of the divided commune"),
                               _param("prefecture", "HCP code of a préfecture "
                                                    "d'arrondissements"),
                               _param("region", "HCP région code")],
                   responses={200: ArrondissementOutput(many=True)},
                   operation_id="arrondissements_list", tags=["territories"])
    def get(self, request):
        qs = selectors.arrondissement_list(filters=request.query_params)
        return Response(ArrondissementOutput(qs, many=True).data)


class IndicatorDefinitionListView(PublicAPIView):
    @extend_schema(responses={200: IndicatorDefinitionOutput(many=True)},
                   operation_id="census_indicators_list", tags=["territories"])
    def get(self, request):
        """What each census indicator measures, with HCP's heading, unit and definition."""
        return Response(IndicatorDefinitionOutput(selectors.indicator_definitions(),
                                                  many=True).data)


class DataSourceView(PublicAPIView):
    @extend_schema(responses={200: DataSourceOutput(many=True)},
                   operation_id="territory_sources_list", tags=["territories"])
    def get(self, request):
        """Provenance and licence of the territorial data (credit it when you reuse it)."""
        source = selectors.data_source()
        return Response(DataSourceOutput([source] if source else [], many=True).data)
