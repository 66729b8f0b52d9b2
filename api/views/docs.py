"""The API documentation page: the OpenAPI schema laid out as a GOV.UK page, server-rendered
(no script), so it reads with a keyboard and a screen reader like every other page. Signed-in
users only, except with DEBUG (the schema itself follows the same rule)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass
class Row:
    name: str
    type: str
    required: bool
    notes: str
    ref: str = ""


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: list[str]
    parameters: list[Row]
    request: list[tuple[str, str]]  # (media type, shape)
    responses: list[tuple[str, str, str]]  # (status, description, shape)


@dataclass
class Group:
    anchor: str
    title: str
    operations: list[Operation] = field(default_factory=list)


def _shape(schema: dict | None) -> str:
    """A schema in words: `Room`, `list of Room`, `integer (1 to 200)`, `string or null`."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "allOf" in schema or "oneOf" in schema or "anyOf" in schema:
        parts = schema.get("allOf") or schema.get("oneOf") or schema.get("anyOf")
        words = " or ".join(_shape(p) for p in parts)
    elif schema.get("type") == "array":
        words = f"list of {_shape(schema.get('items')) or 'values'}"
    elif "enum" in schema:
        words = "one of " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    else:
        words = schema.get("type", "value")
        if schema.get("format"):
            words += f" ({schema['format']})"
    if schema.get("nullable"):
        words += " or null"
    return words


def _notes(schema: dict, description: str = "") -> str:
    notes = []
    if schema.get("readOnly"):
        notes.append("read-only")
    if schema.get("writeOnly"):
        notes.append("write-only")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "maxItems" in schema:
        notes.append(f"at most {schema['maxItems']} entries")
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"from {schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        notes.append(f"at least {schema['minimum']}")
    elif "maximum" in schema:
        notes.append(f"at most {schema['maximum']}")
    if "default" in schema:
        notes.append(f"default {schema['default']}")
    text = (description or schema.get("description") or "").strip()
    return "; ".join(notes) + (". " if notes and text else "") + text


def _first_ref(content: dict) -> str:
    for body in content.values():
        return _shape(body.get("schema"))
    return ""


def _operation(path: str, method: str, op: dict) -> Operation:
    parameters = [
        Row(
            name=p["name"],
            type=_shape(p.get("schema")) + f" in {p['in']}",
            required=bool(p.get("required")),
            notes=_notes(p.get("schema", {}), p.get("description", "")),
        )
        for p in op.get("parameters", [])
    ]
    request = [
        (media, _shape(body.get("schema")))
        for media, body in op.get("requestBody", {}).get("content", {}).items()
    ]
    responses = [
        (status, answer.get("description", ""), _first_ref(answer.get("content", {})))
        for status, answer in op.get("responses", {}).items()
    ]
    return Operation(
        anchor=op.get("operationId", f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=[p for p in (op.get("description") or "").split("\n\n") if p.strip()],
        parameters=parameters,
        request=request,
        responses=responses,
    )


@functools.cache
def docs_context() -> dict:
    """The schema in groups (one per first path segment) and its data shapes."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    groups: dict[str, Group] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method not in operations:
                continue
            op = operations[method]
            tag = (op.get("tags") or ["other"])[0]
            group = groups.setdefault(
                tag, Group(anchor=f"group-{tag}", title=tag.replace("-", " ").capitalize())
            )
            group.operations.append(_operation(path, method, op))
    shapes = []
    for name, component in sorted(schema["components"]["schemas"].items()):
        required = set(component.get("required", []))
        rows = [
            Row(
                name=prop,
                type=_shape(body),
                required=prop in required,
                notes=_notes(body),
                ref=body.get("$ref", "").removeprefix(REF),
            )
            for prop, body in component.get("properties", {}).items()
        ]
        shapes.append({"name": name, "rows": rows, "words": _shape(component)})
    return {"info": schema["info"], "groups": list(groups.values()), "shapes": shapes}


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "api/docs.html", docs_context())
