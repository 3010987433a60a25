"""REST API of the questionnaire builder (administrators, ``cases.manage_questionnaires``):
questionnaires and their versions, a draft's sections, questions with their answers,
conditions and scoring rules, and publishing. Every change goes through the builder's
services (builder.py), as the web builder does: only a draft changes (a published version
answers 409 ``version_frozen``), every change audited.

Input is validated first, so a malformed body gets its 400 whoever sends it; then anyone but
an administrator gets 403.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.accounts import policy
from jisr.cases import builder, selectors
from jisr.cases.api import (
    _ERRORS,
    OptionOutput,
    QuestionOutput,
    RuleOutput,
    SectionOutput,
    VersionOutput,
    _valid,
)
from jisr.cases.models import RestrictionCategory
from jisr.cases.questionnaires import (
    NeedDomain,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoringRule,
    Section,
)
from jisr.core.exceptions import ValidationFailed

TAGS = ["questionnaire builder"]
PERM = "cases.manage_questionnaires"


# --- output ------------------------------------------------------------------------------

class VersionSummaryOutput(serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireVersion
        fields = ["id", "number", "status", "published_at"]


class QuestionnaireOutput(serializers.ModelSerializer):
    versions = VersionSummaryOutput(many=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "code", "name_ar", "name_fr", "versions"]


# --- input -------------------------------------------------------------------------------

def _text(max_length: int, **kwargs):
    return serializers.CharField(max_length=max_length, **kwargs)


class QuestionnaireInput(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    name_ar = _text(200)
    name_fr = _text(200)


class VersionNewInput(serializers.Serializer):
    from_number = serializers.IntegerField(min_value=1, help_text=(
        "The latest version number the caller saw: another version published since "
        "refuses the copy (409)."))


class SectionInput(serializers.Serializer):
    title_ar = _text(200)
    title_fr = _text(200)
    restricted = serializers.BooleanField(required=False, default=False, help_text=(
        "Violence, child protection or health: answers and points seen only by the case's "
        "assigned worker and the centre's manager."))
    restriction_category = serializers.ChoiceField(
        choices=RestrictionCategory.choices, required=False, allow_blank=True, default="")


class SectionEditInput(serializers.Serializer):
    title_ar = _text(200, required=False)
    title_fr = _text(200, required=False)
    restricted = serializers.BooleanField(required=False)
    restriction_category = serializers.ChoiceField(
        choices=RestrictionCategory.choices, required=False, allow_blank=True)


class OptionInput(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    label_ar = _text(200)
    label_fr = _text(200)


class OptionEditInput(serializers.Serializer):
    label_ar = _text(200, required=False)
    label_fr = _text(200, required=False)


class RuleInput(serializers.Serializer):
    option = serializers.SlugField(max_length=50, required=False, allow_null=True, help_text=(
        "The answer code that gives the points (choice, several choices, yes/no)."))
    min_value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                         allow_null=True, help_text="Number questions.")
    max_value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                         allow_null=True)
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    points = serializers.IntegerField(min_value=-20, max_value=20)
    explanation_ar = _text(300)
    explanation_fr = _text(300)


class RuleEditInput(serializers.Serializer):
    domain = serializers.ChoiceField(choices=NeedDomain.choices, required=False)
    points = serializers.IntegerField(min_value=-20, max_value=20, required=False)
    explanation_ar = _text(300, required=False)
    explanation_fr = _text(300, required=False)


class QuestionInput(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    label_ar = _text(300)
    label_fr = _text(300)
    required = serializers.BooleanField(required=False, default=False)
    condition_question = serializers.SlugField(
        max_length=50, required=False, allow_null=True,
        help_text="Code of an earlier choice or yes/no question of the version.")
    condition_values = serializers.ListField(
        child=serializers.SlugField(max_length=50), required=False, max_length=50,
        help_text="The answers of that question that show this one.")
    options = OptionInput(many=True, required=False, help_text=(
        "Answers to choose (choice and several-choices questions; yes/no questions get "
        "`yes` and `no` by themselves)."))
    rules = RuleInput(many=True, required=False)


class QuestionEditInput(serializers.Serializer):
    label_ar = _text(300, required=False)
    label_fr = _text(300, required=False)
    required = serializers.BooleanField(required=False)
    condition_question = serializers.SlugField(max_length=50, required=False,
                                               allow_null=True,
                                               help_text="null removes the condition.")
    condition_values = serializers.ListField(child=serializers.SlugField(max_length=50),
                                             required=False, max_length=50)


# --- helpers -----------------------------------------------------------------------------

def _allowed(user) -> None:
    policy.check_perm(user, PERM)


def _version(user, version_id) -> QuestionnaireVersion:
    _allowed(user)
    return policy.get_or_404(QuestionnaireVersion.objects.select_related("questionnaire"),
                             pk=version_id)


def _get(user, model, pk):
    _allowed(user)
    related = {Section: ("version",), Question: ("version", "section"),
               Option: ("question__version",), ScoringRule: ("question__version",)}[model]
    return policy.get_or_404(model.objects.select_related(*related), pk=pk)


def _condition(version, code):
    if code is None:
        return None
    found = Question.objects.filter(version=version, code=code).select_related(
        "section").first()
    if found is None:
        raise ValidationFailed(fields={"condition_question": [
            _("No question of this version has this code.")]})
    return found


def _version_out(version) -> dict:
    version = QuestionnaireVersion.objects.select_related("questionnaire").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "pk")),
        "sections__questions__options", "sections__questions__rules__option",
        "sections__questions__condition_question").get(pk=version.pk)
    return VersionOutput(version).data


def _question_out(question) -> dict:
    question = Question.objects.select_related("condition_question").prefetch_related(
        "options", "rules__option").get(pk=question.pk)
    return QuestionOutput(question).data


# --- questionnaires and versions ---------------------------------------------------------

class QuestionnaireListView(APIView):
    @extend_schema(responses={200: QuestionnaireOutput(many=True), **_ERRORS},
                   operation_id="questionnaires_list", tags=TAGS,
                   description="Every questionnaire with its versions (administrators).")
    def get(self, request):
        return Response(QuestionnaireOutput(selectors.questionnaire_list(user=request.user),
                                            many=True).data)

    @extend_schema(request=QuestionnaireInput, responses={201: QuestionnaireOutput,
                                                          **_ERRORS},
                   operation_id="questionnaires_create", tags=TAGS,
                   description="A new questionnaire with an empty draft version 1.")
    def post(self, request):
        data = _valid(QuestionnaireInput, request.data)
        created = builder.questionnaire_create(actor=request.user, **data)
        return Response(QuestionnaireOutput(created).data, status=status.HTTP_201_CREATED)


class VersionNewView(APIView):
    @extend_schema(request=VersionNewInput, responses={201: VersionOutput, **_ERRORS},
                   operation_id="questionnaires_versions_create", tags=TAGS,
                   description="A new draft version, a copy of the latest one. A draft "
                   "already exists (409 draft_exists) or another version was published "
                   "since `from_number` (409 version_changed): nothing is copied.")
    def post(self, request, questionnaire_id: int):
        data = _valid(VersionNewInput, request.data)
        _allowed(request.user)
        questionnaire = policy.get_or_404(Questionnaire.objects.all(), pk=questionnaire_id)
        draft = builder.version_new_draft(actor=request.user, questionnaire=questionnaire,
                                          **data)
        return Response(_version_out(draft), status=status.HTTP_201_CREATED)


class VersionPublishView(APIView):
    @extend_schema(request=None, responses={200: VersionOutput, **_ERRORS},
                   operation_id="questionnaires_versions_publish", tags=TAGS,
                   description="Publish the draft: new interviews use it, the previous "
                   "published version is retired; interviews already answered keep theirs.")
    def post(self, request, version_id: int):
        version = _version(request.user, version_id)
        return Response(_version_out(builder.version_publish(actor=request.user,
                                                             version=version)))


# --- sections ----------------------------------------------------------------------------

class SectionCreateView(APIView):
    @extend_schema(request=SectionInput, responses={201: SectionOutput, **_ERRORS},
                   operation_id="questionnaires_sections_create", tags=TAGS,
                   description="Add a section at the end of a draft version.")
    def post(self, request, version_id: int):
        data = _valid(SectionInput, request.data)
        section = builder.section_add(actor=request.user,
                                      version=_version(request.user, version_id), **data)
        return Response(SectionOutput(section).data, status=status.HTTP_201_CREATED)


class SectionView(APIView):
    @extend_schema(request=SectionEditInput, responses={200: SectionOutput, **_ERRORS},
                   operation_id="questionnaires_sections_update", tags=TAGS,
                   description="Change a draft section's titles or restriction. A section "
                   "whose answers show questions of unrestricted sections cannot be "
                   "restricted (400).")
    def patch(self, request, section_id: int):
        data = _valid(SectionEditInput, request.data)
        section = builder.section_edit(actor=request.user,
                                       section=_get(request.user, Section, section_id), **data)
        return Response(SectionOutput(section).data)

    @extend_schema(request=None, responses={204: None, **_ERRORS},
                   operation_id="questionnaires_sections_delete", tags=TAGS)
    def delete(self, request, section_id: int):
        builder.section_remove(actor=request.user,
                               section=_get(request.user, Section, section_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- questions ---------------------------------------------------------------------------

class QuestionCreateView(APIView):
    @extend_schema(request=QuestionInput, responses={201: QuestionOutput, **_ERRORS},
                   operation_id="questionnaires_questions_create", tags=TAGS,
                   description="Add a question at the end of a draft section, with its "
                   "answers to choose, its condition and its scoring rules, all or nothing.")
    def post(self, request, section_id: int):
        data = _valid(QuestionInput, request.data)
        section = _get(request.user, Section, section_id)
        data["condition_question"] = _condition(section.version_id,
                                                data.get("condition_question"))
        question = builder.question_create(actor=request.user, section=section, **data)
        return Response(_question_out(question), status=status.HTTP_201_CREATED)


class QuestionView(APIView):
    @extend_schema(request=QuestionEditInput, responses={200: QuestionOutput, **_ERRORS},
                   operation_id="questionnaires_questions_update", tags=TAGS,
                   description="Change a draft question's labels, whether it is required, "
                   "or its condition. Its code and type stay.")
    def patch(self, request, question_id: int):
        data = _valid(QuestionEditInput, request.data)
        question = _get(request.user, Question, question_id)
        if "condition_question" in data:
            data["condition_question"] = _condition(question.version_id,
                                                    data["condition_question"])
        question = builder.question_edit(actor=request.user, question=question, **data)
        return Response(_question_out(question))

    @extend_schema(request=None, responses={204: None, **_ERRORS},
                   operation_id="questionnaires_questions_delete", tags=TAGS)
    def delete(self, request, question_id: int):
        builder.question_remove(actor=request.user,
                                question=_get(request.user, Question, question_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- answers to choose and scoring rules -------------------------------------------------

class OptionCreateView(APIView):
    @extend_schema(request=OptionInput, responses={201: OptionOutput, **_ERRORS},
                   operation_id="questionnaires_options_create", tags=TAGS)
    def post(self, request, question_id: int):
        data = _valid(OptionInput, request.data)
        option = builder.option_add(actor=request.user,
                                    question=_get(request.user, Question, question_id),
                                    **data)
        return Response(OptionOutput(option).data, status=status.HTTP_201_CREATED)


class OptionView(APIView):
    @extend_schema(request=OptionEditInput, responses={200: OptionOutput, **_ERRORS},
                   operation_id="questionnaires_options_update", tags=TAGS,
                   description="Change an answer's labels (its code stays).")
    def patch(self, request, option_id: int):
        data = _valid(OptionEditInput, request.data)
        option = builder.option_edit(actor=request.user,
                                     option=_get(request.user, Option, option_id), **data)
        return Response(OptionOutput(option).data)

    @extend_schema(request=None, responses={204: None, **_ERRORS},
                   operation_id="questionnaires_options_delete", tags=TAGS)
    def delete(self, request, option_id: int):
        builder.option_remove(actor=request.user, option=_get(request.user, Option, option_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleCreateView(APIView):
    @extend_schema(request=RuleInput, responses={201: RuleOutput, **_ERRORS},
                   operation_id="questionnaires_rules_create", tags=TAGS,
                   description="Points in a need domain when the question gets an answer "
                   "(`option`) or a number in a range (`min_value`, `max_value`). Need "
                   f"domains: {', '.join(NeedDomain.values)}.")
    def post(self, request, question_id: int):
        data = _valid(RuleInput, request.data)
        question = _get(request.user, Question, question_id)
        code = data.pop("option", None)
        option = question.options.filter(code=code).first() if code else None
        if code and option is None:
            raise ValidationFailed(fields={"option": [_(
                "No answer of this question has this code.")]})
        rule = builder.rule_add(actor=request.user, question=question, option=option, **data)
        return Response(RuleOutput(rule).data, status=status.HTTP_201_CREATED)


class RuleView(APIView):
    @extend_schema(request=RuleEditInput, responses={200: RuleOutput, **_ERRORS},
                   operation_id="questionnaires_rules_update", tags=TAGS,
                   description="Change a rule's points, need domain or explanations.")
    def patch(self, request, rule_id: int):
        data = _valid(RuleEditInput, request.data)
        rule = builder.rule_edit(actor=request.user,
                                 rule=_get(request.user, ScoringRule, rule_id), **data)
        return Response(RuleOutput(rule).data)

    @extend_schema(request=None, responses={204: None, **_ERRORS},
                   operation_id="questionnaires_rules_delete", tags=TAGS)
    def delete(self, request, rule_id: int):
        builder.rule_remove(actor=request.user, rule=_get(request.user, ScoringRule, rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
