"""What every page needs: the service name and the navigation for the user's role."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Role
from screening.access import can

# (label, url name, resource, action): an item shows when the role may use the resource,
# so the navigation never offers a page that would answer 403.
NAVIGATION = [
    ("Dashboard", "frontend:dashboard", "cases", "read"),
    ("Young people", "frontend:young_people", "young_people", "read"),
    ("Cases", "frontend:cases", "cases", "read"),
    ("Practitioners", "frontend:practitioners", "practitioners", "create"),
    # Work lists and reports.
    ("Tasks", "frontend:tasks", "admin_tasks", "read"),
    ("Timeliness", "frontend:timeliness", "timeliness_report", "read"),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.role == Role.PRACTITIONER:
        items.append(("My sessions and availability", reverse("frontend:my_home")))
    else:
        items += [
            (label, reverse(name)) for label, name, res, act in NAVIGATION if can(user, res, act)
        ]
    if user.is_staff:
        items.append(("Administration", "/admin/"))
    path = request.path
    return [
        {"label": label, "url": url, "current": url != "/" and path.startswith(url)}
        for label, url in items
    ]


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "yot_name": settings.YOT_NAME,
        "service_name": "One-visit screening",
        "navigation": navigation_for(request),
        "sign_in_failure_limit": settings.AXES_FAILURE_LIMIT,
        "sign_in_lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES,
    }
