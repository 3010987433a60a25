"""REST API of the registry: scoped search with identity cards, persons, documents, phones,
consents, households and emergency access.

Input is validated before the permission checks of the services run, so a malformed body
gets its 400 whoever sends it; records outside the caller's scope answer 404.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.core.api import ErrorBodySerializer, Pagination
from jisr.registry import duplicates, households, selectors, services
from jisr.registry.models import (
    Consent,
    DisabilityType,
    Household,
    HouseholdMembership,
    IdentityDocument,
    Language,
    Person,
    Phone,
    ProtectionCategory,
    Sex,
    Vulnerability,
)
from jisr.registry.search import PersonQuery
from jisr.territory.models import Commune

TAGS = ["registry"]
_ERRORS = {400: ErrorBodySerializer, 403: ErrorBodySerializer, 404: ErrorBodySerializer}


# --- output ----------------------------------------------------------------------------

class DocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = IdentityDocument
        fields = ["id", "kind", "number", "country", "none_reason", "recorded_at"]


class PhoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Phone
        fields = ["id", "number", "kind", "note"]


class FollowOutput(serializers.Serializer):
    centre = serializers.CharField(source="centre.code")
    centre_name_ar = serializers.CharField(source="centre.name_ar")
    centre_name_fr = serializers.CharField(source="centre.name_fr")
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)


class MembershipOutput(serializers.ModelSerializer):
    class Meta:
        model = HouseholdMembership
        fields = ["id", "household", "relationship", "start", "end"]


class ConsentOutput(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "purpose", "method", "witness_name", "given_at", "recorded_by",
                  "centre", "withdrawn_at", "withdrawn_by"]


class PersonListOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", default=None)
    masked_cin = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", *Person.NAME_FIELDS, "sex", "birth_date", "birth_year",
                  "birth_approximate", "commune", "masked_cin"]

    def get_masked_cin(self, person) -> str:
        cins = getattr(person, "cins", None)
        return cins[0].masked if cins else ""


class PersonOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", default=None)
    registered_at = serializers.CharField(source="registered_at.code")
    documents = DocumentOutput(many=True)
    phones = PhoneOutput(many=True)
    follows = FollowOutput(many=True)
    memberships = MembershipOutput(many=True)
    consents = ConsentOutput(many=True)

    class Meta:
        model = Person
        fields = ["id", *Person.NAME_FIELDS, "sex", "birth_date", "birth_year",
                  "birth_approximate", "languages", "commune", "address", "vulnerabilities",
                  "registered_at", "created_at", "updated_at", "documents", "phones",
                  "follows", "memberships", "consents"]


class IdentityCardOutput(serializers.Serializer):
    person_id = serializers.IntegerField()
    first_name_ar = serializers.CharField()
    family_name_ar = serializers.CharField()
    first_name_lat = serializers.CharField()
    family_name_lat = serializers.CharField()
    sex = serializers.CharField()
    birth = serializers.CharField()
    commune = serializers.CharField(source="commune.code", default=None)
    masked_cin = serializers.CharField()
    followed = FollowOutput(many=True)


class SearchOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PersonListOutput(many=True)
    identity_cards = IdentityCardOutput(many=True)


class SensitiveOutput(serializers.Serializer):
    disability_types = serializers.ListField(child=serializers.CharField())
    disability_details = serializers.CharField()
    health_details = serializers.CharField()
    protection_categories = serializers.ListField(child=serializers.CharField())


class HouseholdOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", default=None)
    registered_at = serializers.CharField(source="registered_at.code")
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "commune", "address", "registered_at", "created_at", "members"]

    def get_members(self, household) -> list[dict]:
        # Members outside the caller's scope are listed without any identity (their id too).
        return [{"person": m.person_id if m.visible else None,
                 "relationship": m.relationship, "start": m.start, "end": m.end}
                for m in self.context["members"]]


# --- input -----------------------------------------------------------------------------

class _CommuneCode(serializers.SlugRelatedField):
    """A commune by its HCP code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Commune.objects.all(), allow_null=True,
                         required=False, **kwargs)

    def to_internal_value(self, data):
        # PostgreSQL refuses NUL in a text parameter: answer "does not exist" before asking.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class DocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentityDocument.Kind.choices)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    none_reason = serializers.ChoiceField(choices=IdentityDocument.NoneReason.choices,
                                          required=False, allow_blank=True)


class PhoneInput(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=Phone.Kind.choices, required=False)
    note = serializers.CharField(max_length=120, required=False, allow_blank=True)


def _name():
    return serializers.CharField(max_length=100, required=False, allow_blank=True)


class PersonUpdateInput(serializers.Serializer):
    first_name_ar = _name()
    family_name_ar = _name()
    father_name_ar = _name()
    mother_name_ar = _name()
    first_name_lat = _name()
    family_name_lat = _name()
    father_name_lat = _name()
    mother_name_lat = _name()
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900,
                                          max_value=2100)
    birth_approximate = serializers.BooleanField(required=False)
    languages = serializers.ListField(child=serializers.ChoiceField(
        choices=Language.choices), required=False)
    commune = _CommuneCode()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    vulnerabilities = serializers.ListField(child=serializers.ChoiceField(
        choices=Vulnerability.choices), required=False)


class PersonCreateInput(PersonUpdateInput):
    sex = serializers.ChoiceField(choices=Sex.choices)
    documents = DocumentInput(many=True, required=False)
    phones = PhoneInput(many=True, required=False)


class DuplicateDraftInput(serializers.Serializer):
    """The identity of a person about to be registered, as far as it is known."""

    first_name_ar = _name()
    family_name_ar = _name()
    father_name_ar = _name()
    mother_name_ar = _name()
    first_name_lat = _name()
    family_name_lat = _name()
    father_name_lat = _name()
    mother_name_lat = _name()
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900,
                                          max_value=2100)
    commune = _CommuneCode()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    document_kind = serializers.ChoiceField(choices=IdentityDocument.Kind.choices,
                                            required=False)
    document_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CandidatePersonOutput(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", default=None)

    class Meta:
        model = Person
        fields = ["id", *Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "commune"]


class ReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, reason) -> str:
        return duplicates.reason_text(reason)


class CandidateOutput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=list(duplicates.DECISION_LABELS))
    decision_label = serializers.CharField()
    score = serializers.FloatField()
    reasons = ReasonOutput(many=True)
    person = CandidatePersonOutput(allow_null=True, help_text=_(
        "The person, when in the caller's scope; otherwise null and identity_card is given."))
    identity_card = IdentityCardOutput(source="card", allow_null=True)


class ConsentInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    witness_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    given_at = serializers.DateTimeField(required=False)


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BreakGlassInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BreakGlassOutput(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    expires_at = serializers.DateTimeField()


class SensitiveInput(serializers.Serializer):
    disability_types = serializers.ListField(child=serializers.ChoiceField(
        choices=DisabilityType.choices), required=False)
    disability_details = serializers.CharField(max_length=5000, required=False,
                                               allow_blank=True)
    health_details = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    protection_categories = serializers.ListField(child=serializers.ChoiceField(
        choices=ProtectionCategory.choices), required=False)


class HouseholdCreateInput(serializers.Serializer):
    head = serializers.IntegerField(min_value=1, help_text=_("The person heading it."))
    commune = _CommuneCode()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class HouseholdUpdateInput(serializers.Serializer):
    commune = _CommuneCode()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MemberInput(serializers.Serializer):
    person = serializers.IntegerField(min_value=1)
    relationship = serializers.ChoiceField(choices=HouseholdMembership.Relationship.choices)
    start = serializers.DateField(required=False, allow_null=True)


class MoveInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1)
    relationship = serializers.ChoiceField(choices=HouseholdMembership.Relationship.choices)
    date = serializers.DateField(required=False, allow_null=True)


class SearchParams(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    identifier = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False)
    birth_year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    commune = _CommuneCode()


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _person_out(user, person_id) -> dict:
    return PersonOutput(selectors.person_detail(user=user, person_id=person_id)).data


# --- views -----------------------------------------------------------------------------

class PersonListView(APIView):
    @extend_schema(parameters=[OpenApiParameter(n, str, required=False) for n in (
        "name", "identifier", "phone", "birth_date", "birth_year", "commune")],
        responses={200: SearchOutput, **_ERRORS}, operation_id="registry_persons_search",
        tags=TAGS, description="Persons in the caller's scope matching the criteria "
        "(paginated), and identity cards of persons followed elsewhere when the search is "
        "specific (an identifier or phone, or a first and family name with the birth date "
        "or year).")
    def get(self, request):
        policy.check_perm(request.user, "registry.view_persons")
        query = PersonQuery.from_data(_valid(SearchParams, request.query_params))
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.person_list(user=request.user, query=query), request, view=self)
        cards = selectors.identity_cards(user=request.user, query=query) \
            if not query.is_empty else []
        response = paginator.get_paginated_response(PersonListOutput(page, many=True).data)
        response.data["identity_cards"] = IdentityCardOutput(cards, many=True).data
        return response

    @extend_schema(request=PersonCreateInput, responses={201: PersonOutput, **_ERRORS},
                   operation_id="registry_persons_create", tags=TAGS)
    def post(self, request):
        data = _valid(PersonCreateInput, request.data)
        person = services.person_create(actor=request.user, **data)
        return Response(_person_out(request.user, person.pk), status=status.HTTP_201_CREATED)


class PersonDuplicatesView(APIView):
    @extend_schema(request=DuplicateDraftInput, responses={200: CandidateOutput(many=True),
                                                           **_ERRORS},
                   operation_id="persons_duplicates", tags=TAGS, description=(
                       "Search before create: registered persons the draft may duplicate, "
                       "most probable first, with the matching engine's decision and "
                       "reasons. Persons outside the caller's scope come as identity cards "
                       "(an audited read), and only for a specific draft."))
    def post(self, request):
        draft = _valid(DuplicateDraftInput, request.data)
        policy.check_perm(request.user, "registry.register_person")
        candidates = duplicates.duplicate_candidates(user=request.user, draft=draft)
        return Response(CandidateOutput(candidates, many=True).data)


class PersonDetailView(APIView):
    @extend_schema(responses={200: PersonOutput, **_ERRORS},
                   operation_id="registry_persons_retrieve", tags=TAGS)
    def get(self, request, person_id: int):
        policy.check_perm(request.user, "registry.view_persons")
        return Response(_person_out(request.user, person_id))

    @extend_schema(request=PersonUpdateInput, responses={200: PersonOutput, **_ERRORS},
                   operation_id="registry_persons_partial_update", tags=TAGS)
    def patch(self, request, person_id: int):
        data = _valid(PersonUpdateInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        services.person_update(actor=request.user, person=person, **data)
        return Response(_person_out(request.user, person_id))


class PersonDocumentView(APIView):
    @extend_schema(request=DocumentInput, responses={201: DocumentOutput, **_ERRORS},
                   operation_id="registry_documents_create", tags=TAGS)
    def post(self, request, person_id: int):
        data = _valid(DocumentInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        document = services.identity_document_add(actor=request.user, person=person, **data)
        return Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)


class PersonPhoneView(APIView):
    @extend_schema(request=PhoneInput, responses={201: PhoneOutput, **_ERRORS},
                   operation_id="registry_phones_create", tags=TAGS)
    def post(self, request, person_id: int):
        data = _valid(PhoneInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        phone = services.phone_add(actor=request.user, person=person, **data)
        return Response(PhoneOutput(phone).data, status=status.HTTP_201_CREATED)


class PersonConsentView(APIView):
    @extend_schema(request=ConsentInput, responses={201: ConsentOutput, **_ERRORS},
                   operation_id="registry_consents_create", tags=TAGS)
    def post(self, request, person_id: int):
        data = _valid(ConsentInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        consent = services.consent_record(actor=request.user, person=person, **data)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawView(APIView):
    @extend_schema(request=WithdrawInput, responses={200: ConsentOutput, **_ERRORS},
                   operation_id="registry_consents_withdraw", tags=TAGS)
    def post(self, request, consent_id: int):
        data = _valid(WithdrawInput, request.data)
        consent = selectors.consent_get_for_user(user=request.user, consent_id=consent_id)
        consent = services.consent_withdraw(actor=request.user, consent=consent, **data)
        return Response(ConsentOutput(consent).data)


class PersonSensitiveView(APIView):
    @extend_schema(responses={200: SensitiveOutput, **_ERRORS},
                   operation_id="registry_sensitive_retrieve", tags=TAGS,
                   description="Health, disability and protection details. Every call is "
                   "recorded in the audit trail.")
    def get(self, request, person_id: int):
        policy.check_perm(request.user, "registry.view_sensitive")
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        details = selectors.person_sensitive_get(user=request.user, person=person)
        return Response(SensitiveOutput(details).data)

    @extend_schema(request=SensitiveInput, responses={200: SensitiveOutput, **_ERRORS},
                   operation_id="registry_sensitive_partial_update", tags=TAGS)
    def patch(self, request, person_id: int):
        data = _valid(SensitiveInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        details = services.person_sensitive_update(actor=request.user, person=person, **data)
        return Response(SensitiveOutput(details).data)


class BreakGlassView(APIView):
    @extend_schema(request=BreakGlassInput, responses={201: BreakGlassOutput, **_ERRORS},
                   operation_id="registry_break_the_glass", tags=TAGS,
                   description="Emergency access to a person followed by another centre, "
                   "for JISR_BREAK_GLASS_HOURS; audited and e-mailed to that centre's "
                   "manager.")
    def post(self, request, person_id: int):
        data = _valid(BreakGlassInput, request.data)
        grant = services.break_the_glass(actor=request.user, person_id=person_id,
                                         reason=data["reason"],
                                         base_url=request.build_absolute_uri("/"))
        return Response(BreakGlassOutput(grant).data, status=status.HTTP_201_CREATED)


class PersonMoveView(APIView):
    @extend_schema(request=MoveInput, responses={201: MembershipOutput, **_ERRORS},
                   operation_id="registry_households_move", tags=TAGS,
                   description="The person leaves their current household (if any) and "
                   "joins another; the previous stay keeps its dates.")
    def post(self, request, person_id: int):
        data = _valid(MoveInput, request.data)
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        household = selectors.household_get_for_user(user=request.user,
                                                     household_id=data["household"])
        membership = households.household_member_move(
            actor=request.user, person=person, household=household,
            relationship=data["relationship"], date=data.get("date"))
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)


def _household_out(user, household_id) -> dict:
    household = selectors.household_get_for_user(user=user, household_id=household_id)
    members = selectors.household_members(user=user, household=household)
    return HouseholdOutput(household, context={"members": members}).data


class HouseholdListView(APIView):
    @extend_schema(request=HouseholdCreateInput, responses={201: HouseholdOutput, **_ERRORS},
                   operation_id="registry_households_create", tags=TAGS)
    def post(self, request):
        data = _valid(HouseholdCreateInput, request.data)
        head = selectors.person_get_for_user(user=request.user, person_id=data.pop("head"))
        household = households.household_create(actor=request.user, head=head, **data)
        return Response(_household_out(request.user, household.pk),
                        status=status.HTTP_201_CREATED)


class HouseholdDetailView(APIView):
    @extend_schema(responses={200: HouseholdOutput, **_ERRORS},
                   operation_id="registry_households_retrieve", tags=TAGS)
    def get(self, request, household_id: int):
        policy.check_perm(request.user, "registry.view_persons")
        return Response(_household_out(request.user, household_id))

    @extend_schema(request=HouseholdUpdateInput, responses={200: HouseholdOutput, **_ERRORS},
                   operation_id="registry_households_partial_update", tags=TAGS)
    def patch(self, request, household_id: int):
        data = _valid(HouseholdUpdateInput, request.data)
        household = selectors.household_get_for_user(user=request.user,
                                                     household_id=household_id)
        households.household_update(actor=request.user, household=household, **data)
        return Response(_household_out(request.user, household_id))


class HouseholdMemberView(APIView):
    @extend_schema(request=MemberInput, responses={201: MembershipOutput, **_ERRORS},
                   operation_id="registry_households_members_create", tags=TAGS)
    def post(self, request, household_id: int):
        data = _valid(MemberInput, request.data)
        household = selectors.household_get_for_user(user=request.user,
                                                     household_id=household_id)
        person = selectors.person_get_for_user(user=request.user, person_id=data["person"])
        membership = households.household_member_add(
            actor=request.user, household=household, person=person,
            relationship=data["relationship"], start=data.get("start"))
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)
