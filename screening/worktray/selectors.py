"""Scoped reads of admin tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from screening.access import SEE_ALL
from screening.models import (
    AdminTask,
)


def admin_task_list_for(*, user: User) -> QuerySet[AdminTask]:
    """Tasks for the YOT's admins; YOT managers see them too."""
    qs = AdminTask.objects.select_related("case", "done_by")
    if user.is_active and user.role in SEE_ALL:
        return qs
    return qs.none()
