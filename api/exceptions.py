"""Every error answers `{"detail": "...", "errors": {"field": ["message", ...]}}`."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from screening.errors import CaseAlreadyBooked, NotAllowed, PossibleDuplicate, SlotTaken

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Something was changed meanwhile."
    default_code = "conflict"


def flatten_errors(detail: object, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors become dotted field names: `opening_hours.0.opens`."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            # A nested list's own error (too many entries) belongs to the list's field.
            if key == "non_field_errors" and prefix:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    for field, messages in flatten_errors(item, f"{prefix}.{index}").items():
                        out.setdefault(field, []).extend(messages)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map service and framework exceptions to the contract's error body."""
    original = exc
    if isinstance(exc, CaseAlreadyBooked):  # not taken meanwhile: fresh options will not help
        exc = Conflict(str(exc))
    elif isinstance(exc, SlotTaken):
        exc = Conflict(f"Taken meanwhile: {exc.resource}. Ask for the options again.")
    elif isinstance(exc, (NotAllowed, PossibleDuplicate)):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, ProtectedError):
        exc = Conflict("This record is still in use and cannot be removed.")
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error answered as 409: %s", exc)
        exc = Conflict("This change clashes with a record saved meanwhile; reload and try again.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        first = next(iter(errors.items()), None)
        summary = f"{first[0]}: {first[1][0]}" if first else "Invalid input."
        response.data = {"detail": f"Invalid input. {summary}", "errors": errors}
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    if isinstance(original, SlotTaken):
        response.data["resource"] = original.resource
    elif isinstance(original, PossibleDuplicate):
        response.data["resource"] = ", ".join(f"young person {p.pk}" for p in original.existing)
        response.data["existing"] = [
            {
                "id": p.pk,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "date_of_birth": p.date_of_birth.isoformat(),
            }
            for p in original.existing
        ]
    return response
