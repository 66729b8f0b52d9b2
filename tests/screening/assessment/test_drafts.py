"""Editing a draft through the service (what the pages call): a PATCH names each of the
layout's sections at most once, so it never holds more entries than the layout has."""

import pytest
from django.core.exceptions import ValidationError

from screening.assessment.drafts import draft_edit
from screening.models import AssessmentDraft
from tests.factories import make_case_with_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    case, _ = make_case_with_findings()
    return AssessmentDraft.objects.select_related("case", "layout").get(case=case)


def test_more_changes_than_the_layout_has_sections_are_refused(draft):
    sections = len(draft.layout.sections)
    with pytest.raises(ValidationError) as error:
        draft_edit(
            draft=draft,
            user=draft.case.case_manager,
            sections=[{"key": "neighbourhood", "text": "Quiet."}] * (sections + 1),
        )
    assert error.value.message_dict["sections"] == [
        f"Give at most {sections} sections: the draft's layout has {sections}."
    ]
    assert not AssessmentDraft.objects.get(pk=draft.pk).sections.filter(edited=True).exists()


def test_a_section_named_twice_is_refused_and_nothing_is_written(draft):
    with pytest.raises(ValidationError) as error:
        draft_edit(
            draft=draft,
            user=draft.case.case_manager,
            sections=[{"key": "neighbourhood", "text": "One."}, {"key": "neighbourhood"}],
        )
    assert error.value.message_dict == {"sections.1.key": ["This section is named more than once."]}
    assert not AssessmentDraft.objects.get(pk=draft.pk).sections.filter(edited=True).exists()
