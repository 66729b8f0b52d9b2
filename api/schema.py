"""OpenAPI generation that documents the error responses every endpoint can give."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names each field.",
    "401": "No valid credentials.",
    "403": "This role may not use this endpoint.",
    "404": "Not found, or outside the user's scope.",
    "405": "Method not allowed.",
    "409": "Taken or changed meanwhile; `detail` names the resource.",
    "429": "Too many requests.",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:  # type: ignore[override]
        responses = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "400", direction=direction)
        codes = ["400", "401", "403", "404", "405", "429"]
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.append("409")
        for code in codes:
            if code not in responses:
                responses[code] = {**error, "description": ERROR_DESCRIPTIONS[code]}
        return responses


# One summary per operation, as the documentation page lists them; an operation missing here
# (a new endpoint) is worded from its viewset action and model, or its docstring.
SUMMARIES = {
    "POST /auth/token/": "Get an API token",
    "GET /users/": "List users",
    "POST /users/": "Create a user",
    "GET /users/{id}/": "Read a user",
    "PATCH /users/{id}/": "Change a user",
    "POST /users/{id}/two-factor-setup-code/": "Issue a two-factor setup code",
    "POST /users/{id}/two-factor-reset/": "Reset a user's two-factor",
    "GET /privilege-changes/": "List changes awaiting or given approval",
    "GET /privilege-changes/{id}/": "Read a change awaiting approval",
    "POST /privilege-changes/{id}/approve/": "Approve a change",
    "POST /privilege-changes/{id}/refuse/": "Refuse a change",
    "GET /account-events/": "List privilege changes",
    "GET /agencies/": "List agencies",
    "GET /agencies/{code}/": "Read an agency",
    "GET /agencies/{agency_code}/forms/": "List an agency's findings form versions",
    "POST /agencies/{agency_code}/forms/": "Publish a new findings form version",
    "GET /agencies/{agency_code}/forms/{version}/": "Read one findings form version",
    "GET /agencies/{agency_code}/forms/current/": "Read the current findings form",
    "GET /practitioners/": "List practitioners",
    "POST /practitioners/": "Create a practitioner",
    "GET /practitioners/{id}/": "Read a practitioner",
    "PATCH /practitioners/{id}/": "Change a practitioner",
    "POST /practitioners/{id}/calendar-token/rotate/": "Give a practitioner a new feed address",
    "GET /practitioners/{practitioner_pk}/calendar-import/": "Read a calendar import",
    "PUT /practitioners/{practitioner_pk}/calendar-import/": "Set the calendar address to import",
    "DELETE /practitioners/{practitioner_pk}/calendar-import/": "Stop importing a calendar",
    "POST /practitioners/{practitioner_pk}/calendar-import/upload/": "Upload a calendar file",
    "GET /practitioners/{practitioner_pk}/leave/": "List a practitioner's leave",
    "POST /practitioners/{practitioner_pk}/leave/": "Add leave",
    "DELETE /practitioners/{practitioner_pk}/leave/{id}/": "Remove leave",
    "GET /practitioners/{practitioner_pk}/working-patterns/": "List working patterns",
    "POST /practitioners/{practitioner_pk}/working-patterns/": "Add a working pattern",
    "DELETE /practitioners/{practitioner_pk}/working-patterns/{id}/": "Remove a working pattern",
    "GET /interpreters/": "List interpreters",
    "POST /interpreters/": "Add an interpreter",
    "GET /interpreters/{id}/": "Read an interpreter",
    "PATCH /interpreters/{id}/": "Change an interpreter",
    "GET /interpreters/{interpreter_pk}/leave/": "List an interpreter's leave",
    "POST /interpreters/{interpreter_pk}/leave/": "Add an interpreter's leave",
    "DELETE /interpreters/{interpreter_pk}/leave/{id}/": "Remove an interpreter's leave",
    "GET /interpreters/{interpreter_pk}/working-patterns/": (
        "List an interpreter's working patterns"
    ),
    "POST /interpreters/{interpreter_pk}/working-patterns/": (
        "Add an interpreter's working pattern"
    ),
    "DELETE /interpreters/{interpreter_pk}/working-patterns/{id}/": (
        "Remove an interpreter's working pattern"
    ),
    "GET /venues/": "List venues",
    "POST /venues/": "Create a venue",
    "GET /venues/{id}/": "Read a venue",
    "GET /rooms/": "List rooms",
    "POST /rooms/": "Create a room",
    "GET /rooms/{id}/": "Read a room",
    "PATCH /rooms/{id}/": "Change a room",
    "POST /rooms/{id}/calendar-token/rotate/": "Give a room a new feed address",
    "GET /young-people/": "List young people",
    "POST /young-people/": "Register a young person",
    "GET /young-people/{id}/": "Read a young person",
    "PATCH /young-people/{id}/": "Change a young person's details",
    "GET /cases/": "List cases",
    "POST /cases/": "Open a case",
    "GET /cases/{id}/": "Read a case",
    "GET /cases/{id}/visit-options/": "Find visit options for a case",
    "GET /cases/{id}/messages/": "List a case's texts",
    "GET /cases/{id}/replies/": "List replies about a case",
    "GET /cases/{id}/assessment-draft/": "Read the assessment draft",
    "PATCH /cases/{id}/assessment-draft/": "Edit the assessment draft",
    "GET /cases/{id}/assessment-draft/document/": "Download the draft as a Word document",
    "POST /cases/{id}/assessment-draft/submit/": "Send the draft for sign-off",
    "POST /cases/{id}/assessment-draft/sign-off/": "Sign the draft off",
    "POST /cases/{id}/assessment-draft/reopen/": "Reopen a signed-off draft",
    "GET /cases/{id}/assessments/": "List a case's signed-off assessments and judgements",
    "GET /cases/{case_pk}/plan-actions/": "List a case's plan actions",
    "POST /cases/{case_pk}/plan-actions/": "Add a plan action",
    "PATCH /cases/{case_pk}/plan-actions/{id}/": "Record a plan action's status or change it",
    "GET /plan-actions/": "List the plan actions you may see",
    "GET /cases/{id}/oversight-notes/": "List a case's management oversight notes",
    "POST /cases/{id}/oversight-notes/": "Add a management oversight note",
    "GET /oversight/": "List what needs a YOT manager's oversight",
    "GET /cases/{case_pk}/new-information/": "List a case's significant new information",
    "POST /cases/{case_pk}/new-information/": "Record significant new information",
    "GET /cases/{case_pk}/reviews/": "List a case's reviews",
    "POST /cases/{case_pk}/reviews/": "Start a review now",
    "GET /visits/": "List visits",
    "POST /visits/": "Book a visit",
    "GET /visits/{id}/": "Read a visit",
    "POST /visits/{id}/reschedule/": "Reschedule a visit",
    "POST /visits/{id}/cancel/": "Cancel a visit",
    "POST /sessions/{id}/attendance/": "Record attendance at a session",
    "GET /sessions/{id}/findings/": "Read a session's findings",
    "PUT /sessions/{id}/findings/": "Save the findings working copy",
    "POST /sessions/{id}/findings/submit/": "Submit findings",
    "GET /alerts/": "List your urgent-findings alerts",
    "POST /alerts/{id}/read/": "Mark an alert read",
    "GET /audit-log/": "List the audit log",
    "GET /message-templates/": "List message templates",
    "POST /message-templates/": "Create a message template",
    "GET /message-templates/{id}/": "Read a message template",
    "PATCH /message-templates/{id}/": "Change a message template",
    "GET /admin-tasks/": "List admin tasks",
    "GET /admin-tasks/{id}/": "Read an admin task",
    "POST /admin-tasks/{id}/done/": "Mark an admin task done",
    "POST /webhooks/twilio/inbound/": "Receive a text reply (Twilio)",
    "POST /webhooks/twilio/status/": "Receive a delivery report (Twilio)",
}
API_PREFIX = "/api/v1"

# What each kind of viewset action does, worded for a summary ("List rooms").
ACTION_WORDS = {
    "list": "List {plural}",
    "retrieve": "Read one {singular}",
    "create": "Create one {singular}",
    "update": "Replace one {singular}",
    "partial_update": "Change one {singular}",
    "destroy": "Delete one {singular}",
}


def _first_line(doc: str | None) -> str:
    line = (doc or "").strip().splitlines()[0].strip() if (doc or "").strip() else ""
    return line.rstrip(".")


class SummarisedAutoSchema(AutoSchema):
    """Every operation gets a summary: one given with extend_schema, else one worded from
    the viewset action and the model ("List rooms", "Change a room"), else the first line
    of the handler's docstring."""

    def get_summary(self) -> str | None:
        given = super().get_summary()
        if given:
            return given
        known = SUMMARIES.get(f"{self.method} {self.path.removeprefix(API_PREFIX)}")
        if known:
            return known
        action = getattr(self.view, "action", None)
        if action in ACTION_WORDS and not (action == "list" and not self._is_list_view()):
            model = getattr(getattr(self.view, "queryset", None), "model", None)
            if model is None:
                try:
                    model = self.view.get_queryset().model
                except Exception:
                    model = None
            if model is not None:
                meta = model._meta
                return ACTION_WORDS[action].format(
                    singular=meta.verbose_name, plural=meta.verbose_name_plural
                )
        handler = getattr(self.view, action or self.method.lower(), None)
        return _first_line(getattr(handler, "__doc__", None)) or _first_line(
            self.view.__class__.__doc__
        )
