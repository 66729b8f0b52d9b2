"""Serializers for findings forms, findings, assessment drafts, alerts and the audit log."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.findings_forms import MAX_ACTIONS, public_question
from agencies.models import FindingsForm
from api.fields import Serializer, StrictBooleanField, StrictCharField, at_most
from screening.assessment.drafts import REASON_LIMIT, SECTION_TEXT_LIMIT
from screening.assessment.plans import NOTE_LIMIT
from screening.assessment.review_selectors import open_review_of
from screening.assessment.review_sign_off import CHANGES_SUMMARY_LIMIT
from screening.models import (
    JUDGEMENTS,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Finding,
    PlanAction,
    PlanActionStatus,
    Session,
)
from screening.models.assessment import JUDGEMENT_REASON_LIMIT, LIKELIHOOD_LEVELS, RISK_LEVELS


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.DictField())
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    hint = serializers.CharField()
    required_when = serializers.DictField(allow_null=True)


class FormSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="agency.code", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = FindingsForm
        fields = ["code", "version", "title", "title_cy", "questions", "published_at"]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, form: FindingsForm) -> list[dict[str, Any]]:
        return [public_question(q) for q in form.questions]


class FormPublishSerializer(Serializer):
    title = StrictCharField(max_length=200)
    title_cy = StrictCharField(
        max_length=200, allow_blank=True, required=False, help_text="The title on Welsh pages."
    )
    questions = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, max_length=200
    )


class FindingsInputSerializer(Serializer):
    answers = serializers.DictField()


class FindingsQuerySerializer(Serializer):
    version = serializers.IntegerField(min_value=1, max_value=100_000, required=False)


class FindingsSubmitSerializer(Serializer):
    answers = serializers.DictField(required=False)


class FormRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()


class FindingsSerializer(serializers.Serializer):
    """A session's findings as the reader may see them."""

    session = serializers.IntegerField()
    agency = serializers.CharField()
    form = FormRefSerializer()
    answers = serializers.DictField()
    answers_withheld = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["not_started", "draft", "submitted", "amended"])
    version = serializers.IntegerField()
    due_by = serializers.DateField()
    late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    versions = VersionSerializer(many=True)
    young_person = serializers.DictField()
    communication_needs = serializers.DictField()


def findings_data(
    *,
    session: Session,
    finding: Finding | None,
    form: FindingsForm,
    answers: dict,
    withheld: bool,
    due_by,
    versions: list[Finding],
    communication_needs: dict,
) -> dict[str, Any]:
    person = session.visit.case.young_person
    return {
        "session": session.pk,
        "agency": session.agency.code,
        "form": {"code": form.agency.code, "version": form.version},
        "answers": answers,
        "answers_withheld": withheld,
        "status": finding.status if finding else "not_started",
        "version": finding.version if finding else 1,
        "due_by": due_by,
        "late": finding.is_late() if finding else False,
        "submitted_at": finding.submitted_at if finding else None,
        "updated_at": finding.updated_at if finding else None,
        "versions": [
            {
                "version": v.version,
                "status": v.status,
                "submitted_at": v.submitted_at,
                "late": v.is_late(),
            }
            for v in versions
        ],
        "young_person": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "case": session.visit.case.reference,
        },
        "communication_needs": communication_needs,
    }


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    guidance = serializers.CharField()
    text = serializers.CharField()
    generated_text = serializers.CharField()
    sources = serializers.ListField(child=serializers.DictField())
    pieces = serializers.ListField(child=serializers.DictField())
    edited = serializers.BooleanField()
    edited_at = serializers.DateTimeField(allow_null=True)
    needs_review = serializers.BooleanField()
    review_changes = serializers.ListField(child=serializers.DictField())
    suggested_text = serializers.CharField()


class DraftEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username", default=None)
    reason = serializers.CharField()


class JudgementSerializer(serializers.Serializer):
    level = serializers.CharField()
    reason = serializers.CharField()


class JudgementsSerializer(serializers.Serializer):
    """The case manager's three judgements, each `{level, reason}` or null until recorded."""

    risk_of_serious_harm = JudgementSerializer(allow_null=True)
    safety_and_wellbeing = JudgementSerializer(allow_null=True)
    likelihood_of_reoffending = JudgementSerializer(allow_null=True)


class DraftSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    events = DraftEventSerializer(many=True, read_only=True)
    signed_off_by = serializers.CharField(source="signed_off_by.username", default=None)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    layout = serializers.CharField(source="layout.name", read_only=True)
    flags = serializers.ListField(child=serializers.DictField())
    suggested_ratings = serializers.DictField(child=serializers.CharField())
    flags_withheld = serializers.BooleanField(
        read_only=True,
        help_text="True when flags raised by restricted findings are not shown to this reader "
        "(they see those findings' summary only).",
    )
    conflicts = serializers.ListField(child=serializers.DictField())
    missing = serializers.ListField(child=serializers.DictField())
    restricted = serializers.ListField(child=serializers.DictField())
    built_from = serializers.ListField(child=serializers.DictField())
    plan = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))
    judgements = serializers.SerializerMethodField()
    judgements_missing = serializers.SerializerMethodField(
        help_text="The judgements still without a level or a reason (sign-off needs none)."
    )
    open_review = serializers.SerializerMethodField(
        help_text="Why the assessment needs review: the case's open review `{id, reason, "
        "status, due_by, new_information}` (ids; read them at /new-information/), or null."
    )

    class Meta:
        model = AssessmentDraft
        fields = [
            "case",
            "kind",
            "status",
            "judgements",
            "judgements_missing",
            "open_review",
            "changes_summary",
            "layout",
            "sections",
            "flags",
            "suggested_ratings",
            "flags_withheld",
            "conflicts",
            "missing",
            "restricted",
            "plan",
            "plan_edited",
            "plan_needs_review",
            "built_from",
            "merged_at",
            "new_findings_since_sign_off",
            "submitted_at",
            "submitted_by",
            "signed_off_at",
            "signed_off_by",
            "events",
        ]

    @extend_schema_field(JudgementsSerializer)
    def get_judgements(self, draft: AssessmentDraft) -> dict:
        return draft.judgements()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_judgements_missing(self, draft: AssessmentDraft) -> list[str]:
        return draft.missing_judgements()

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_open_review(self, draft: AssessmentDraft) -> dict | None:
        review = open_review_of(draft.case)
        if review is None:
            return None
        return {
            "id": review.pk,
            "reason": review.reason,
            "status": review.status,
            "due_by": review.due_by.isoformat(),
            "new_information": sorted(item.pk for item in review.new_information.all()),
        }


class RiskJudgementInputSerializer(Serializer):
    level = serializers.ChoiceField(choices=list(RISK_LEVELS))
    reason = StrictCharField(max_length=JUDGEMENT_REASON_LIMIT)


class LikelihoodJudgementInputSerializer(RiskJudgementInputSerializer):
    level = serializers.ChoiceField(choices=list(LIKELIHOOD_LEVELS))


class JudgementsInputSerializer(Serializer):
    """Any of the three judgements, each with a level and a reason."""

    risk_of_serious_harm = RiskJudgementInputSerializer(required=False)
    safety_and_wellbeing = RiskJudgementInputSerializer(required=False)
    likelihood_of_reoffending = LikelihoodJudgementInputSerializer(required=False)


assert set(JudgementsInputSerializer().fields) == set(JUDGEMENTS)


class SectionChangeSerializer(Serializer):
    key = StrictCharField(max_length=60)
    text = StrictCharField(max_length=SECTION_TEXT_LIMIT, required=False, allow_blank=True)
    reviewed = StrictBooleanField(required=False)
    accept_suggested = StrictBooleanField(required=False)


class DraftEditSerializer(Serializer):
    """A PATCH of the draft: at most one change per section of its layout (the view gives
    the count as `section_limit`), checked before any entry is read."""

    sections = SectionChangeSerializer(many=True, required=False)
    plan = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=MAX_ACTIONS,
        error_messages=at_most(MAX_ACTIONS, "actions"),
    )
    plan_reviewed = StrictBooleanField(required=False)
    judgements = JudgementsInputSerializer(required=False)
    changes_summary = StrictCharField(
        max_length=CHANGES_SUMMARY_LIMIT,
        required=False,
        allow_blank=True,
        help_text="A review's: what changed in the assessment or plan, or why nothing did.",
    )

    def to_internal_value(self, data: object) -> dict:
        limit = self.context.get("section_limit")
        sections = data.get("sections") if isinstance(data, dict) else None
        if limit is not None and isinstance(sections, list) and len(sections) > limit:
            raise serializers.ValidationError(
                {"sections": [f"Give at most {limit} sections: the draft's layout has {limit}."]}
            )
        return super().to_internal_value(data)


class AssessmentVersionSerializer(serializers.ModelSerializer):
    """One signed-off assessment: its judgements as they were signed off."""

    signed_off_by = serializers.CharField(source="signed_off_by.username", default=None)
    judgements = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentVersion
        fields = [
            "version",
            "kind",
            "signed_off_at",
            "signed_off_by",
            "judgements",
            "changes_summary",
            "changes",
        ]

    @extend_schema_field(JudgementsSerializer)
    def get_judgements(self, version: AssessmentVersion) -> dict:
        return version.judgements()


class PlanActionSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    owner_agency = serializers.CharField(source="owner_agency.code", default=None)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    owner_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(
        help_text="Open and past its due date (today in the YOT's zone)."
    )
    from_version = serializers.IntegerField(source="from_version.version", default=None)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "case",
            "case_reference",
            "action",
            "category",
            "owner_agency",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "note",
            "overdue",
            "from_version",
            "created_at",
            "updated_at",
            "done_at",
        ]

    def get_owner_name(self, action: PlanAction) -> str | None:
        if action.owner_id is None:
            return None
        return action.owner.get_full_name() or action.owner.username

    def get_overdue(self, action: PlanAction) -> bool:
        return action.is_overdue()


class PlanActionCreateSerializer(Serializer):
    action = StrictCharField(max_length=500)
    category = StrictCharField(max_length=30)
    owner_agency = StrictCharField(max_length=60, required=False, allow_null=True)
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    due_date = serializers.DateField()


class PlanActionUpdateSerializer(Serializer):
    status = serializers.ChoiceField(choices=PlanActionStatus.values, required=False)
    note = StrictCharField(max_length=NOTE_LIMIT, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class SignOffSerializer(Serializer):
    changes_summary = StrictCharField(
        max_length=CHANGES_SUMMARY_LIMIT,
        required=False,
        allow_blank=True,
        help_text="Required to sign off a review (here or on the draft): what changed, or why "
        "nothing did.",
    )


class ReopenSerializer(Serializer):
    reason = StrictCharField(max_length=REASON_LIMIT)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", default=None)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "user",
            "username",
            "role",
            "action",
            "object_type",
            "object_id",
            "case",
            "case_reference",
            "detail",
        ]
