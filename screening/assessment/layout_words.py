"""The default draft layout's section titles in the reader's language. A draft's sections
keep their title as the layout gave it, in English (DraftSection.title: stored, never
rewritten); pages and the Word document word a title of the default layout
(layouts/layout-v1.json) again in the active language. A title a system administrator
wrote for another layout has no Welsh and is shown as written (docs/decisions/0021)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

DEFAULT_SECTION_TITLES = frozenset(
    (
        gettext_noop("Communication needs"),
        gettext_noop("Living arrangements"),
        gettext_noop("Family and personal relationships"),
        gettext_noop("Education, training and employment"),
        gettext_noop("Neighbourhood"),
        gettext_noop("Lifestyle"),
        gettext_noop("Substance use"),
        gettext_noop("Physical health"),
        gettext_noop("Emotional and mental health"),
        gettext_noop("Perception of self and others"),
        gettext_noop("Thinking and behaviour"),
        gettext_noop("Attitudes to offending"),
        gettext_noop("Motivation to change"),
        gettext_noop("Indicators of vulnerability"),
        gettext_noop("Indicators of serious harm to others and victim safety"),
        gettext_noop("Positive factors"),
    )
)


def section_title_here(title: str) -> str:
    """A draft section's stored title in the active language: the default layout's titles
    are translated, any other as written."""
    return gettext(title) if title in DEFAULT_SECTION_TITLES else title
