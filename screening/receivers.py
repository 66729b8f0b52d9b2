"""Reactions to domain events, connected in ScreeningConfig.ready()."""

from __future__ import annotations

from django.dispatch import receiver

from screening.events import visit_changed


@receiver(visit_changed, dispatch_uid="screening.plan_messages")
def plan_messages(sender, *, visit, kind, previous, by, **kwargs) -> None:
    """Plan texts inside the booking transaction: they commit or roll back with it."""
    from screening.services.messages import messages_plan_for_visit

    messages_plan_for_visit(visit=visit, kind=kind, previous=previous)


@receiver(visit_changed, dispatch_uid="screening.calendar_invites")
def plan_invites(sender, *, visit, kind, previous, snapshot, **kwargs) -> None:
    """Plan calendar invites inside the booking transaction, from the change's snapshots
    (one INSERT, no reads); the background worker emails them after it commits."""
    from screening.services.invites import invites_plan_for_change

    invites_plan_for_change(visit=visit, kind=kind, previous=previous, snapshot=snapshot)
