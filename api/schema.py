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
