"""Domain events other parts of the product react to, without the booking code knowing them.

`visit_changed` is sent inside the booking transaction, after the change is written: a
receiver that writes rows (the text and calendar invite outboxes) commits or rolls back
with the booking; anything that talks to the outside world (email, a Celery broker) must
wait for `transaction.on_commit`, so a rolled-back booking sends nothing. Receivers run
on every booking: keep them to a few writes, and read from `snapshot` and `previous`
rather than the database where they can.

Arguments: `visit` (the Visit after the change), `kind` (a VisitHistory.Kind value:
booked, rescheduled, cancelled, attendance, completed), `previous` (the snapshot of the
visit before the change, or None for a new booking), `snapshot` (the same snapshot of the
visit after the change, as its history row keeps it), `by` (the user, or None).
"""

from django.dispatch import Signal

visit_changed = Signal()
