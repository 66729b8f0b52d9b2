"""The Welsh catalogue (locale/cy): complete, compiled, and holding every string the code
marks. The .mo file is committed, so a fresh machine needs no gettext to serve Welsh; these
tests keep it and the .po in step with the code (docs/decisions/0021)."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "cy" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "cy" / "LC_MESSAGES" / "django.mo"
# Left out of the copy makemessages reads: no marked strings there (README "Translations").
NOT_SOURCES = {".git", ".venv", "node_modules", "staticfiles", "test-artifacts", "tests",
               "benchmarks", "docs"}  # fmt: skip

_ENTRY = re.compile(
    r'(?P<flags>(?:#[^\n]*\n)*)(?:msgctxt (?P<ctx>(?:"[^\n]*"\n)+))?'
    r'msgid (?P<id>(?:"[^\n]*"\n)+)(?:msgid_plural (?P<plural>(?:"[^\n]*"\n)+))?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? (?:"[^\n]*"\n)+)+)'
)


def _text(quoted: str | None) -> str:
    if quoted is None:
        return ""
    return "".join(
        bytes(part, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for part in re.findall(r'^"(.*)"$', quoted, re.M)
    )


def read_po(path: Path) -> list[dict]:
    """Every entry of a .po file: context, msgid, plural msgid, msgstrs, flags."""
    entries = []
    for m in _ENTRY.finditer(path.read_text(encoding="utf-8") + "\n"):
        strs = [_text(s) for s in re.findall(r'msgstr(?:\[\d\])? ((?:"[^\n]*"\n)+)', m["strs"])]
        entries.append(
            {
                "ctx": _text(m["ctx"]) if m["ctx"] else None,
                "id": _text(m["id"]),
                "plural": _text(m["plural"]) if m["plural"] else None,
                "strs": strs,
                "fuzzy": "fuzzy" in m["flags"],
            }
        )
    return [e for e in entries if e["id"]]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s|\{\w+\}", text))


def test_every_welsh_string_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)
    assert len(entries) > 900
    untranslated = [e["id"] for e in entries if not all(e["strs"])]
    fuzzy = [e["id"] for e in entries if e["fuzzy"]]
    assert untranslated == [], f"no Welsh for: {untranslated}"
    assert fuzzy == [], f"fuzzy (check and clear the flag): {fuzzy}"


def test_every_welsh_string_keeps_the_placeholders_of_the_english():
    wrong = [
        (e["id"], s)
        for e in entries_with_text()
        for s in e["strs"]
        if _placeholders(s) != _placeholders(e["id"])
    ]
    assert wrong == []


def entries_with_text() -> list[dict]:
    return read_po(PO)


def test_the_header_says_the_welsh_needs_a_welsh_speakers_review():
    head = PO.read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "NOT YET REVIEWED" in head
    assert "Welsh speaker must" in head


def test_the_committed_mo_file_matches_the_po_file():
    """django.mo is what Django reads: it must say what django.po says, string for string
    (compile with `manage.py compilemessages -l cy` after changing the .po)."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for e in read_po(PO):
        if e["plural"] is not None:
            got = [catalogue.ngettext(e["id"], e["plural"], n) for n in (1, 2, 3, 8)]
            if sorted(set(got)) != sorted(set(e["strs"])):
                stale.append(e["id"])
        elif e["ctx"] is not None:
            if catalogue.pgettext(e["ctx"], e["id"]) != e["strs"][0]:
                stale.append(e["id"])
        elif catalogue.gettext(e["id"]) != e["strs"][0]:
            stale.append(e["id"])
    assert stale == [], f"django.mo is older than django.po for: {stale[:20]}"


@pytest.mark.slow
def test_the_catalogue_holds_every_string_the_code_marks(tmp_path):
    """`makemessages -l cy` on a copy of the project finds no string missing from the
    committed .po: a newly marked string must be added and translated (README)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("gettext (xgettext) is needed for the catalogue check")
        pytest.skip("gettext is not installed; .ci/run installs it and runs this check")
    base = Path(settings.BASE_DIR)
    for source in base.iterdir():
        name = source.name
        if name in NOT_SOURCES or source.is_symlink():
            continue
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "cy", "--no-obsolete"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    committed = {(e["ctx"], e["id"]) for e in read_po(PO)}
    extracted = read_po(tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    missing = sorted(e["id"] for e in extracted if (e["ctx"], e["id"]) not in committed)
    assert missing == [], f"marked but not in locale/cy/LC_MESSAGES/django.po: {missing}"
