"""The data map: every field of every model classified, the checked-in document current,
readers taken from the access table, the hand-written sections kept."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from screening.access import CAPABILITIES
from screening.governance import data_map
from screening.governance.data_map import TEMPLATE, problems, render
from screening.governance.declarations import DECLARATIONS, SPECIAL, Table


def without_field(label: str, name: str) -> Table:
    table = DECLARATIONS[label]
    return dataclasses.replace(table, fields={k: v for k, v in table.fields.items() if k != name})


def test_every_field_of_every_model_is_classified():
    assert problems() == []


def test_a_field_nobody_has_classified_fails_and_is_named(monkeypatch):
    label = "screening.YoungPerson"
    monkeypatch.setitem(DECLARATIONS, label, without_field(label, "communication_needs"))
    assert problems() == ["screening.YoungPerson.communication_needs is not declared"]
    with pytest.raises(CommandError, match=r"screening.YoungPerson.communication_needs is not"):
        call_command("data_map", "--check", stdout=StringIO())


def test_a_model_nobody_has_declared_fails_and_is_named(monkeypatch):
    monkeypatch.delitem(DECLARATIONS, "screening.Finding")
    assert problems() == ["screening.Finding (screening_finding) is not declared"]


def test_a_declared_field_the_model_does_not_have_is_named(monkeypatch):
    label = "screening.Case"
    table = DECLARATIONS[label]
    stale = dataclasses.replace(table, fields={**table.fields, "offence": SPECIAL})
    monkeypatch.setitem(DECLARATIONS, label, stale)
    assert problems() == ["screening.Case.offence is declared but is no field of the model"]


def test_a_reader_the_access_table_does_not_have_is_named(monkeypatch):
    label = "screening.Case"
    wrong = dataclasses.replace(DECLARATIONS[label], readers=("case_files",))
    monkeypatch.setitem(DECLARATIONS, label, wrong)
    assert problems() == ["screening.Case names 'case_files', which the access table cannot read"]


def test_the_checked_in_data_map_is_up_to_date():
    out = StringIO()
    call_command("data_map", "--check", stdout=out)
    assert "is up to date" in out.getvalue()


def test_data_map_check_fails_on_a_file_out_of_date_and_writing_brings_it_up_to_date(tmp_path):
    output = tmp_path / "data-protection.md"
    with pytest.raises(CommandError, match="out of date"):
        call_command("data_map", "--check", "--output", str(output), stdout=StringIO())
    call_command("data_map", "--output", str(output), stdout=StringIO())
    call_command("data_map", "--check", "--output", str(output), stdout=StringIO())
    output.write_text(output.read_text().replace("special category", "personal", 1))
    with pytest.raises(CommandError, match=r"run `manage\.py data_map`"):
        call_command("data_map", "--check", "--output", str(output), stdout=StringIO())


def findings_row(document: str) -> str:
    (row,) = [line for line in document.splitlines() if line.startswith("| [`screening_finding`]")]
    return row


def test_who_can_read_a_table_is_the_access_table(monkeypatch):
    document = render(TEMPLATE.read_text())
    assert "| Case manager, YOT manager, Agency practitioner |" in findings_row(document)
    monkeypatch.setitem(CAPABILITIES["findings"], "read", frozenset({Role.YOT_MANAGER}))
    assert "| YOT manager |" in findings_row(render(TEMPLATE.read_text()))


def test_the_administration_pages_readers_follow_the_role_groups():
    assert data_map.admin_readers("screening.YoungPerson") == "YOT admin (change)"
    assert data_map.admin_readers("screening.Visit") == "YOT admin (view)"
    assert data_map.admin_readers("screening.Finding") == ""


def test_a_table_without_a_retention_rule_is_named(monkeypatch):
    label = "screening.Finding"
    monkeypatch.setitem(
        DECLARATIONS, label, dataclasses.replace(DECLARATIONS[label], retention=None)
    )
    assert problems() == [
        "screening.Finding has no retention rule: add its sentence to "
        "screening/governance/retention_map.py"
    ]


def test_every_table_names_its_retention_rule():
    document = render(TEMPLATE.read_text())
    assert "not yet set" not in document
    assert "- Retention: Until the case is reduced to basic details or disposed of under the " \
        "case's retention rule" in document  # fmt: skip
    assert "The body is cleared MESSAGE_BODY_RETENTION_DAYS (default 30)" in document


def test_each_field_has_its_category():
    document = render(TEMPLATE.read_text())
    assert (
        "| `communication_needs` | special category | So everyone adapts how they speak" in document
    )
    assert "| `order_type` | criminal offence |" in document
    assert "| `answers` | special category, criminal offence |" in document
    # Tables holding nothing personal are listed apart, not mapped field by field.
    assert "- `agencies_agency`: The partner agencies" in document
    assert "### `agencies_agency`" not in document


def test_the_hand_written_sections_are_kept():
    document = render(TEMPLATE.read_text())
    for heading in [
        "## Lawful bases",
        "## Sharing under section 115 of the Crime and Disorder Act 1998",
        "## Processors",
        "## Where the data lives",
        "## Data map",
    ]:
        assert heading in document
    for words in ["Article 6(1)(e)", "Article 9(2)(g)", "Article 9(2)(h)", "Article 10"]:
        assert words in document
    assert "Twilio" in document and data_map.PLACEHOLDER not in document
