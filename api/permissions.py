"""HTTP permission: the role table in screening.access decides 403; selectors decide 404."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import BasePermission

from screening.access import can

METHOD_ACTIONS = {
    "GET": "read",
    "HEAD": "read",
    "OPTIONS": "read",
    "POST": "create",
    "PUT": "update",
    "PATCH": "update",
    "DELETE": "update",
}


class RolePermission(BasePermission):
    """Allow the request when the user's role may perform this action on `view.resource`.

    A view may define `required_action(request)` for endpoints whose POST is not a create
    (token rotation, for example, updates an existing record).
    """

    def has_permission(self, request, view) -> bool:
        if hasattr(view, "required_action"):
            action = view.required_action(request)
        else:
            action = METHOD_ACTIONS.get(request.method, "update")
        resource = view.resource
        if isinstance(action, tuple):  # (resource, action) for an endpoint of its own
            resource, action = action
        return can(request.user, resource, action)


class SignedInUnlessDebug(BasePermission):
    """The schema is open with DEBUG (local development); otherwise only to signed-in users."""

    def has_permission(self, request, view) -> bool:
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)
