"""Words the services and pages compose from stored data, in the page's language: the login
changes' stored details and the retention rules read back and worded again in Welsh, the
English unchanged (docs/decisions/0021)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from accounts.models import AccountEvent
from accounts.sso import SignInRefused, sso_sign_in
from agencies.local_time import date_words_here, day_words_here, month_words_here
from frontend.account_words import detail_words
from screening.booking.taken_words import daily_limit_reached, practitioner_taken
from screening.errors import CaseAlreadyBooked, SlotTaken
from screening.models.retention import rule_words_from_text

TTI = "y Tîm Troseddau Ieuenctid"
DETAILS = [
    ("as Case manager, active", "fel Rheolwr achos, gweithredol"),
    ("as YOT admin, inactive", f"fel Gweinyddwr {TTI}, anweithredol"),
    ("active as Agency practitioner", "gweithredol fel Ymarferydd asiantaeth"),
    ("active as YOT manager: covering leave", f"gweithredol fel Rheolwr {TTI}: covering leave"),
    ("active as Case manager, asked for by someone",
     "gweithredol fel Rheolwr achos, gofynnwyd amdano gan rhywun"),
    ("active as Case manager, asked for by sam",
     "gweithredol fel Rheolwr achos, gofynnwyd amdano gan sam"),
    ("was System administrator", "rôl flaenorol: Gweinyddwr system"),
    ("from YOT admin to Case manager: new post", f"o Gweinyddwr {TTI} i Rheolwr achos: new post"),
    ("valid until 03 March 2027 14:30", "yn ddilys tan 3 Mawrth 2027 am 14:30"),
    ("the provider said no", "the provider said no"),  # any other shape: as stored
]  # fmt: skip


@pytest.fixture
def welsh():
    with translation.override("cy"):
        yield


@pytest.mark.parametrize(("stored", "welsh_words"), DETAILS)
def test_a_login_change_detail_reads_in_welsh(welsh, stored, welsh_words):
    assert detail_words(stored) == welsh_words


@pytest.mark.parametrize(("stored", "welsh_words"), DETAILS[:-2])
def test_a_login_change_detail_reads_unchanged_in_english(stored, welsh_words):
    with translation.override("en-gb"):
        assert detail_words(stored) == stored


RULES = [
    "Disposed of 3 years after the last action or at 18, whichever is later",
    "Basic details only after 3 years, disposed of 5 years after the last action",
    "Basic details only after 2 years, disposed of 6 years after the last action or at 21, "
    "whichever is later",
    "Disposed of 7 years after the last action",
]


@pytest.mark.parametrize("stored", RULES)
def test_a_stored_retention_rule_reads_in_welsh_and_unchanged_in_english(stored):
    with translation.override("en-gb"):
        assert rule_words_from_text(stored) == stored
    with translation.override("cy"):
        welsh_words = rule_words_from_text(stored)
    assert "blwyddyn ar ôl y cam gweithredu diwethaf" in welsh_words
    assert "years" not in welsh_words


def test_dates_are_written_in_the_active_language(welsh):
    # Wednesday 24 February 2027.
    day = dt.date(2027, 2, 24)
    assert day_words_here(day) == "Dydd Mercher 24 Chwefror 2027"
    assert date_words_here(day) == "24 Chwefror 2027"
    assert month_words_here(day) == "Chwefror 2027"
    with translation.override("en-gb"):
        assert day_words_here(day) == "Wednesday 24 February 2027"


GROUPS = {role: f"group-{role}" for role in ("case_manager", "yot_admin", "yot_manager")}


@pytest.fixture
def groups(settings):
    settings.OIDC_ROLE_MAP = [f"{group}={role}" for role, group in GROUPS.items()]


def refused(claims) -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        sso_sign_in(claims=claims)
    return caught.value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "english", "welsh_part"),
    [
        ({"sub": "s1", "email": "ffion@council.example.org", "groups": []},
         "is not in any group that gives access", "nid yw eich cyfrif sefydliad"),
        ({"sub": "s2", "email": "ffion@council.example.org",
          "groups": [GROUPS["yot_admin"], GROUPS["case_manager"]]},
         "give more than one role (Case manager, YOT admin)",
         f"(Gweinyddwr {TTI}, Rheolwr achos)"),
        ({"sub": "s3", "email": "ffion@council.example.org", "groups": [GROUPS["case_manager"]]},
         "Your access as Case manager is waiting", "Rheolwr achos"),
        ({"sub": "s4"}, "did not give an email address", "gyfeiriad e-bost"),
    ],
)  # fmt: skip
def test_an_organisation_sign_in_refusal_is_shown_in_welsh_and_stored_in_english(
    groups, claims, english, welsh_part
):
    """Refused while the visitor reads Welsh: the page's words are Welsh, the trail's stored
    detail English, and the login changes page reads the stored detail back into the same
    Welsh (frontend/account_words.py)."""
    with translation.override("cy"):
        refusal = refused(claims)
        shown = refusal.shown()
    assert english in refusal.message
    assert welsh_part.lower() in shown.lower() and english not in shown
    stored = AccountEvent.objects.get(kind=AccountEvent.Kind.SIGN_IN_REFUSED).detail
    assert stored == refusal.message
    with translation.override("cy"):
        assert detail_words(stored) == shown
    with translation.override("en-gb"):
        assert detail_words(stored) == stored


@pytest.mark.parametrize(
    ("stored", "welsh_words"),
    [
        ("organisation groups give no role", "nid yw grwpiau'r sefydliad yn rhoi rôl"),
        ("organisation groups now give Case manager",
         "mae grwpiau'r sefydliad bellach yn rhoi Rheolwr achos"),
        ("from Case manager to YOT admin: organisation groups changed",
         f"o Rheolwr achos i Gweinyddwr {TTI}: newidiodd grwpiau'r sefydliad"),
    ],
)  # fmt: skip
def test_reasons_the_service_wrote_read_in_welsh(welsh, stored, welsh_words):
    assert detail_words(stored) == welsh_words


def test_a_slot_taken_is_english_for_the_api_and_welsh_when_shown(welsh):
    """Raised while a Welsh page is open: `resource` (the API's field) and the message stay
    English; words() says it in the active language (screening/errors.py)."""
    # Tuesday 2 March 2027, 10:00 UTC = 10:00 in London (GMT).
    start = dt.datetime(2027, 3, 2, 10, 0, tzinfo=dt.UTC)
    taken = SlotTaken(resource=practitioner_taken(SimpleNamespace(name="Nia Bevan"), start))
    assert taken.resource == "practitioner Nia Bevan at 10:00 on Tuesday 2 March 2027"
    assert str(taken) == f"{taken.resource} was booked by someone else meanwhile."
    assert taken.words() == (
        "Cafodd ymarferydd Nia Bevan am 10:00 ar Dydd Mawrth 2 Mawrth 2027 ei drefnu gan rywun "
        "arall yn y cyfamser."
    )
    limit = SlotTaken(
        resource=daily_limit_reached(SimpleNamespace(name="Nia Bevan", daily_session_cap=3),
                                     start.date())
    )  # fmt: skip
    assert limit.resource == "practitioner Nia Bevan: daily limit of 3 sessions reached on " \
        "Tuesday 2 March"  # fmt: skip
    assert "terfyn dyddiol o 3 sesiwn ar Dydd Mawrth 2 Mawrth" in limit.words()
    booked = CaseAlreadyBooked(reference="YOT-0042", agencies="Health")
    assert booked.resource == "case YOT-0042"
    assert str(booked).startswith("Case YOT-0042 already has a booked visit with Health")
    assert booked.words().startswith("Mae gan achos YOT-0042 ymweliad")
    with translation.override("en-gb"):
        assert taken.words() == str(taken)


def test_judgements_and_risk_levels_read_in_welsh_on_pages(welsh):
    from frontend.drafts import judgement_rows

    rows = judgement_rows(
        {"risk_of_serious_harm": {"level": "very_high", "reason": "Weapon found"},
         "likelihood_of_reoffending": {"level": "low", "reason": "Settled"}}
    )  # fmt: skip
    named = {row["key"]: (str(row["name"]), str(row["level"] or "")) for row in rows}
    assert named["risk_of_serious_harm"] == ("Risg o niwed difrifol i eraill", "Uchel iawn")
    assert named["likelihood_of_reoffending"] == ("Tebygolrwydd o aildroseddu", "Isel")
    assert named["safety_and_wellbeing"] == ("Diogelwch a lles", "")
    with translation.override("en-gb"):
        assert str(judgement_rows({})[0]["name"]) == "Risk of serious harm to others"


def test_a_form_definition_s_welsh_wording_must_be_text_within_the_limit():
    from agencies.findings_forms import LABEL_LIMIT, DefinitionError, check_definition

    question = {"key": "gp", "label": "Registered with a GP?", "type": "yes_no_unknown"}
    assert check_definition([{**question, "label_cy": "Wedi cofrestru gyda meddyg teulu?"}])
    with pytest.raises(DefinitionError) as bad:
        check_definition([{**question, "label_cy": 5, "hint_cy": "x" * (LABEL_LIMIT + 1)}])
    assert set(bad.value.errors) >= {"questions.0.label_cy", "questions.0.hint_cy"}
