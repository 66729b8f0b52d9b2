"""What a locked-out sign-in sees (django-axes): the API's JSON error body under /api/,
the GOV.UK page everywhere else. Both are 429."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": "Too many failed attempts: signing in is paused for a while.",
                "errors": {},
            },
            status=429,
        )
    return render(request, "frontend/locked_out.html", status=429)
