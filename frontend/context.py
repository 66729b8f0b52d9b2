"""What every page needs: the service name and the navigation for the user's role."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from screening.access import can
from screening.assessment.selectors import alert_list_for

# (label, url name, resource, action): an item shows when the role may use the resource,
# so the navigation never offers a page that would answer 403.
NAVIGATION = [
    (gettext_lazy("Dashboard"), "frontend:dashboard", "cases", "read"),
    (gettext_lazy("Young people"), "frontend:young_people", "young_people", "read"),
    (gettext_lazy("Cases"), "frontend:cases", "cases", "read"),
    (gettext_lazy("Visits"), "frontend:visits", "visits", "read"),
    (gettext_lazy("Practitioners"), "frontend:practitioners", "practitioners", "create"),
    (gettext_lazy("Who is where"), "frontend:schedule", "schedule", "read"),
    # Work lists and reports.
    (gettext_lazy("Oversight"), "frontend:oversight", "oversight", "read"),
    (gettext_lazy("Tasks"), "frontend:tasks", "admin_tasks", "read"),
    (gettext_lazy("Timeliness"), "frontend:timeliness", "timeliness_report", "read"),
    (gettext_lazy("Alerts"), "frontend:alerts", "assessment_drafts", "read"),
    (gettext_lazy("Plan actions"), "frontend:plan_actions", "plan_actions", "read"),
    (gettext_lazy("Audit log"), "frontend:audit_log", "audit_log", "read"),
    (gettext_lazy("Disposal"), "frontend:retention", "retention", "read"),
    (gettext_lazy("Login changes"), "frontend:login_changes", "account_events", "read"),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.role == Role.PRACTITIONER:
        items.append((_("My sessions and availability"), reverse("frontend:my_home")))
        items.append((_("Plan actions"), reverse("frontend:plan_actions")))
    else:
        items += [
            (label, reverse(name)) for label, name, res, act in NAVIGATION if can(user, res, act)
        ]
    if user.is_staff:
        items.append((_("Administration"), "/admin/"))
    path = request.path
    return [
        {"label": label, "url": url, "current": url != "/" and path.startswith(url)}
        for label, url in items
    ]


BANNER_ALERTS = 3
IDLE_WARNING_SECONDS = 120


class UnreadAlerts:
    """The signed-in user's newest unread alerts for the banner: one query, run only when a
    page shows the banner."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def _rows(self) -> list:
        user = self.request.user
        if not user.is_authenticated or self.request.path.startswith("/alerts/"):
            return []
        return list(alert_list_for(user=user).filter(read_at__isnull=True)[: BANNER_ALERTS + 1])

    @property
    def items(self) -> list:
        return self._rows[:BANNER_ALERTS]

    @property
    def more(self) -> bool:
        return len(self._rows) > BANNER_ALERTS


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "unread_alerts": UnreadAlerts(request),
        "yot_name": settings.YOT_NAME,
        "service_name": _("One-visit screening"),
        "navigation": navigation_for(request),
        "sign_in_failure_limit": settings.AXES_FAILURE_LIMIT,
        "sign_in_lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES,
        "idle_seconds": settings.SESSION_IDLE_SECONDS,
        # Warned this long before an idle session ends: two minutes, and never less than
        # the 20 seconds WCAG 2.2.1 asks for to extend it (shorter only in tests).
        "idle_warning_seconds": min(IDLE_WARNING_SECONDS, settings.SESSION_IDLE_SECONDS // 2),
    }
