"""Server-rendered pages."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what this service is and where to go next."""
    return render(request, "frontend/home.html", {"yot_name": settings.YOT_NAME})
