"""The login changes page's words for the privilege-change trail, in the page's language.

accounts/services.py stores each AccountEvent's detail in English ("from YOT admin to Case
manager: covering leave"), and that stored text stays as written (it is the audit trail).
The page reads it back into its parts (roles, active or not, dates) and words them again
in the active language; the parts people typed (reasons, names) are kept as typed, and a
detail of any other shape is shown as stored. The reasons the service writes itself
(organisation sign-in's "organisation groups changed") and organisation sign-in's refusals
(accounts/sso.py's REFUSALS, stored in English, shown to the person in their language) are
worded again too."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import sso
from accounts.models import AccountEvent, Role
from agencies.local_time import EN_MONTHS, date_words_here

# Actors that are not people, as account_event_record stores them (accounts/services.py's
# COMMAND_LINE, accounts/sso.py's ACTOR).
ACTORS_NOT_PEOPLE = {
    "command line": gettext_lazy("command line"),
    "organisation sign-in": gettext_lazy("organisation sign-in"),
}


def actor_words(event: AccountEvent) -> str:
    """Who made the change; in the active language when it was not a person."""
    if event.actor_id is None and event.actor_username in ACTORS_NOT_PEOPLE:
        return str(ACTORS_NOT_PEOPLE[event.actor_username])
    return event.actor_username


# Reasons the service writes itself (accounts/sso.py, accounts/services.py), not typed.
MACHINE_REASONS = {
    "organisation groups give no role": gettext_lazy("organisation groups give no role"),
    "organisation groups changed": gettext_lazy("organisation groups changed"),
    "organisation sign-in kept the role": gettext_lazy("organisation sign-in kept the role"),
    "organisation sign-in changed the role": gettext_lazy("organisation sign-in changed the role"),
    "replaced by a new change": gettext_lazy("replaced by a new change"),
}
_GROUPS_NOW_GIVE = "organisation groups now give "


def _english_roles() -> dict[str, str]:
    with translation.override("en-gb"):
        return {str(label): value for value, label in Role.choices}


def _reason(text: str, roles: dict[str, str]) -> str:
    """A stored reason in the active language when the service wrote it, else as typed."""
    if text in MACHINE_REASONS:
        return str(MACHINE_REASONS[text])
    if text.startswith(_GROUPS_NOW_GIVE) and text[len(_GROUPS_NOW_GIVE) :] in roles:
        role = Role(roles[text[len(_GROUPS_NOW_GIVE) :]]).label
        return _("organisation groups now give %(role)s") % {"role": role}
    return text


def _because(text: str | None, roles: dict[str, str]) -> str:
    return f": {_reason(text, roles)}" if text else ""


def _refusal_patterns() -> list[tuple[re.Pattern[str], object]]:
    """Each organisation sign-in refusal's English (as stored) as a pattern, its
    placeholders as named groups, with the words to say it again."""
    patterns = []
    with translation.override("en-gb"):
        for words in sso.REFUSALS:
            english = re.escape(str(words))
            english = re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.+)", english)
            patterns.append((re.compile(english, flags=re.S), words))
    return patterns


def refusal_words(detail: str, roles: dict[str, str]) -> str | None:
    """A stored organisation sign-in refusal in the active language (roles named again; a
    login's problems kept as stored), or None when the detail is not one."""
    for pattern, words in _refusal_patterns():
        if m := pattern.fullmatch(detail):
            params = m.groupdict()
            if "role" in params and params["role"] in roles:
                params["role"] = Role(roles[params["role"]]).label
            if "roles" in params:
                names = params["roles"].split(", ")
                if all(name in roles for name in names):
                    params["roles"] = ", ".join(
                        sorted(str(Role(roles[name]).label) for name in names)
                    )
            return str(words) % params if params else str(words)
    return None


def detail_words(detail: str) -> str:
    """An AccountEvent's stored detail in the active language."""
    roles = _english_roles()
    role = "|".join(re.escape(label) for label in sorted(roles, key=len, reverse=True))

    def label(english: str) -> str:
        return str(Role(roles[english]).label)

    if m := re.fullmatch(rf"as ({role}), (active|inactive)", detail):
        said = _("as %(role)s, active") if m[2] == "active" else _("as %(role)s, inactive")
        return said % {"role": label(m[1])}
    if m := re.fullmatch(rf"active as ({role}), asked for by (.+)", detail, flags=re.S):
        name = _("someone") if m[2] == "someone" else m[2]
        return _("active as %(role)s, asked for by %(name)s") % {"role": label(m[1]), "name": name}
    if m := re.fullmatch(rf"active as ({role})(?:: (.*))?", detail, flags=re.S):
        return _("active as %(role)s") % {"role": label(m[1])} + _because(m[2], roles)
    if m := re.fullmatch(rf"was ({role})", detail):
        return _("was %(role)s") % {"role": label(m[1])}
    if m := re.fullmatch(rf"from ({role}) to ({role})(?:: (.*))?", detail, flags=re.S):
        words = _("from %(old)s to %(new)s") % {"old": label(m[1]), "new": label(m[2])}
        return words + _because(m[3], roles)
    m = re.fullmatch(r"valid until (\d{1,2}) ([A-Z][a-z]+) (\d{4}) (\d\d:\d\d)", detail)
    if m and m[2] in EN_MONTHS:
        day = dt.date(int(m[3]), EN_MONTHS.index(m[2]) + 1, int(m[1]))
        return _("valid until %(day)s at %(time)s") % {"day": date_words_here(day), "time": m[4]}
    if (refusal := refusal_words(detail, roles)) is not None:
        return refusal
    return _reason(detail, roles)
