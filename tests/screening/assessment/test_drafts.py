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


def test_a_merge_writes_every_field_of_its_changed_sections_in_one_statement(draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.assessment.drafts import SECTION_MERGED_FIELDS, _sections_write

    one, two, untouched = list(draft.sections.all())[:3]
    values = {
        "text": "Case manager's words.",
        "generated_text": "Merged words.",
        "needs_review": True,
        "suggested_text": "New merged words.",
        "review_changes": [{"added": "New merged words."}],
        "title": "A new title",
        "guidance": "New guidance.",
        "position": 40,
        "pieces": [{"agency": "health", "text": "Piece."}],
        "sources": [{"agency": "health", "version": 2}],
    }
    assert set(values) == set(SECTION_MERGED_FIELDS)
    for section in (one, two):
        for name, value in values.items():
            setattr(section, name, value)
    two.position = 41
    before = {f: getattr(untouched, f) for f in SECTION_MERGED_FIELDS}
    with CaptureQueriesContext(connection) as queries:
        _sections_write([one, two])
    assert len(queries) == 1
    for section in (one, two):
        stored = type(section).objects.get(pk=section.pk)
        assert {f: getattr(stored, f) for f in SECTION_MERGED_FIELDS} == {
            **values,
            "position": section.position,
        }
    stored = type(untouched).objects.get(pk=untouched.pk)
    assert {f: getattr(stored, f) for f in SECTION_MERGED_FIELDS} == before
