"""The demo's gateway: prints each text to the log and keeps nothing."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from screening.integrations.sms.base import Found, Reconciliation, SendResult
from screening.phone import mask_mobile

logger = logging.getLogger("screening.sms.console")


class ConsoleGateway:
    name = "console"

    def send(
        self, *, to: str, body: str, status_callback: str, valid_for_seconds: int | None
    ) -> SendResult:
        provider_id = f"console-{uuid.uuid4().hex}"
        logger.info("SMS to %s (%s): %s", mask_mobile(to), provider_id, body)
        return SendResult(provider_id=provider_id, status="sent")

    def find_sent(
        self, *, to: str, body: str, since: dt.datetime, exclude_ids: set[str]
    ) -> Reconciliation:
        # The console keeps no log it could be asked about: an admin decides.
        return Reconciliation(Found.UNKNOWN)
