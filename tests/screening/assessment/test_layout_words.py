"""The default layout's section titles are all worded again in Welsh (layout_words), so a
Welsh page or document never shows a default title in English."""

import json
from pathlib import Path

from django.utils import translation

from screening.assessment.layout_words import DEFAULT_SECTION_TITLES, section_title_here

LAYOUT = Path(__file__).resolve().parents[3] / "screening/assessment/layouts/layout-v1.json"


def test_every_title_of_the_default_layout_is_known_and_has_welsh():
    titles = {s["title"] for s in json.loads(LAYOUT.read_text())["sections"]}
    assert titles == set(DEFAULT_SECTION_TITLES)
    with translation.override("cy"):
        assert all(section_title_here(t) != t for t in titles)
        assert section_title_here("A title someone wrote") == "A title someone wrote"
    assert section_title_here("Lifestyle") == "Lifestyle"
