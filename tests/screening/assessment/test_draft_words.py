"""The default layout's section titles are all worded again in Welsh (draft_words), so a
Welsh page or document never shows a default title in English."""

import json
from pathlib import Path

from django.utils import translation

from screening.assessment.draft_words import DEFAULT_SECTION_TITLES, section_title_here

LAYOUT = Path(__file__).resolve().parents[3] / "screening/assessment/layouts/layout-v1.json"


def test_every_title_of_the_default_layout_is_known_and_has_welsh():
    titles = {s["title"] for s in json.loads(LAYOUT.read_text())["sections"]}
    assert titles | {"Other findings"} == set(DEFAULT_SECTION_TITLES)  # and the merge's own
    with translation.override("cy"):
        assert all(section_title_here(t) != t for t in titles)
        assert section_title_here("A title someone wrote") == "A title someone wrote"
    assert section_title_here("Lifestyle") == "Lifestyle"


def test_a_missing_agency_s_reason_is_said_again_in_welsh_from_its_english():
    from screening.assessment.draft_words import missing_text_here

    said = [
        ("not_booked", "No session booked yet.", "Dim sesiwn wedi'i threfnu eto."),
        (
            "did_not_attend",
            "The young person did not attend on 1 March 2027 (Unwell).",
            "Ni ddaeth y person ifanc ar 1 Mawrth 2027 (Unwell).",
        ),
        (
            "did_not_attend",
            "The young person did not attend on 1 March 2027.",
            "Ni ddaeth y person ifanc ar 1 Mawrth 2027.",
        ),
        (
            "visit_booked",
            "Session booked for 2 March 2027.",
            "Sesiwn wedi'i threfnu ar gyfer 2 Mawrth 2027.",
        ),
        (
            "overdue",
            "Overdue: findings were due on 8 February 2027.",
            "Yn hwyr: roedd y canfyddiadau'n ddyledus ar 8 Chwefror 2027.",
        ),
        (
            "not_submitted",
            "Not yet submitted (due 9 March 2027).",
            "Heb ei gyflwyno eto (yn ddyledus 9 Mawrth 2027).",
        ),
    ]
    items = [({"reason": reason, "text": text}, welsh) for reason, text, welsh in said]
    with translation.override("cy"):
        for item, welsh in items:
            assert missing_text_here(item) == welsh
        odd = {"reason": "overdue", "text": "Written some other way"}
        assert missing_text_here(odd) == "Written some other way"  # as stored
    for item, _ in items:
        assert missing_text_here(item) == item["text"]  # English: as stored
