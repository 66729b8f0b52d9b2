"""The reply page's words, English and Welsh, beside the texts' own Welsh wording.

The Welsh is a first version, like the texts' Welsh wording (screening/migrations/0009,
0016, 0021): a Welsh speaker must check it before the service is used in Wales. The page
never says a name, a case reference, the YOT, or why the visit is held.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Your appointment", "Eich apwyntiad"),
    "when": ("When", "Pryd"),
    "where": ("Where", "Ble"),
    "confirm": ("I can come", "Gallaf ddod"),
    "other_time": ("Choose another time", "Dewis amser arall"),
    "call": ("Ask us to call you", "Gofyn i ni eich ffonio"),
    "confirmed_title": ("Thank you: see you then", "Diolch: welwn ni chi bryd hynny"),
    "confirmed_body": (
        "You have said you can come. We will send you a reminder.",
        "Rydych chi wedi dweud y gallwch ddod. Byddwn ni'n anfon nodyn atgoffa atoch.",
    ),
    "called_title": ("We will call you", "Byddwn ni'n eich ffonio"),
    "called_body": (
        "We will phone you about this appointment soon.",
        "Byddwn ni'n eich ffonio am yr apwyntiad hwn cyn bo hir.",
    ),
    "times_title": ("Choose another time", "Dewis amser arall"),
    "times_legend": ("Which time suits you?", "Pa amser sy'n addas i chi?"),
    "times_none": (
        "There are no other times we can offer here. Ask us to call you and we will find one.",
        "Does dim amseroedd eraill y gallwn eu cynnig yma. Gofynnwch i ni eich ffonio a byddwn "
        "ni'n dod o hyd i un.",
    ),
    "times_choose": ("Choose a time", "Dewiswch amser"),
    "times_submit": ("Change to this time", "Newid i'r amser hwn"),
    "times_back": ("Keep the time I have", "Cadw'r amser sydd gen i"),
    "times_error": ("Choose one of the times", "Dewiswch un o'r amseroedd"),
    "error_title": ("There is a problem", "Mae problem"),
    "taken_title": ("That time has just gone", "Mae'r amser hwnnw newydd fynd"),
    "taken_body": (
        "Someone else took that time a moment ago. Your appointment has not changed. Choose "
        "another time below, or ask us to call you.",
        "Mae rhywun arall newydd gymryd yr amser hwnnw. Dydy eich apwyntiad ddim wedi newid. "
        "Dewiswch amser arall isod, neu gofynnwch i ni eich ffonio.",
    ),
    "moved_title": ("Your appointment has changed", "Mae eich apwyntiad wedi newid"),
    "moved_body": (
        "We will send you a text with the new time.",
        "Byddwn ni'n anfon neges destun atoch gyda'r amser newydd.",
    ),
    "changed_title": ("This appointment has changed", "Mae'r apwyntiad hwn wedi newid"),
    "changed_body": (
        "This link is for an appointment that has changed. Use the link in your latest text.",
        "Mae'r ddolen hon ar gyfer apwyntiad sydd wedi newid. Defnyddiwch y ddolen yn eich "
        "neges destun ddiweddaraf.",
    ),
    "slow_title": ("Please wait a moment", "Arhoswch am funud"),
    "slow_body": (
        "There have been too many tries from here. Try again in an hour.",
        "Bu gormod o ymdrechion o'r fan hon. Rhowch gynnig arall arni mewn awr.",
    ),
}
# Shown for any token that is wrong or expired, before anything is known: both languages.
NOT_FOUND = (
    "Page not found / Heb ddod o hyd i'r dudalen",
    "If you followed a link in a text, the link may have expired. / Os dilynoch chi ddolen "
    "mewn neges destun, efallai bod y ddolen wedi dod i ben.",
)


def words_for(language: str) -> dict[str, str]:
    """The page's words in the young person's language (Welsh for `cy`, else English)."""
    index = 1 if language == "cy" else 0
    return {key: pair[index] for key, pair in WORDS.items()}
