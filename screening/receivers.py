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
def send_invites(sender, **kwargs) -> None:
    """Build calendar invites inside the transaction; they are emailed after it commits."""
    from screening.services.invites import on_visit_changed

    on_visit_changed(sender, **kwargs)
