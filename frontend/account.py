"""A signed-in person's own account page: who they are signed in as, and the language they
read the service in (accounts.User.language), which also chooses the language of their
emails and calendar invites. Signing in applies the saved language (frontend/language.py)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import user_language_set
from frontend.access import signed_in
from frontend.forms import apply_service_errors
from frontend.language import set_language_cookie

# Each language is named in its own language and says so (as the switcher does).
LANGUAGE_LANG = {"en-gb": "en", "cy": "cy"}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy(
            "The language of the service's pages, and of your emails and calendar invites."
        ),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the language you read the service in"),
            "invalid_choice": gettext_lazy("Choose English or Cymraeg"),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, format_html('<span lang="{}">{}</span>', LANGUAGE_LANG[code], name))
            for code, name in settings.LANGUAGES
        ]


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    """GET shows the account and the language setting; POST saves the language."""
    user = request.user
    chosen = user.language or ""
    form = LanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"language": chosen or request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            user_language_set(user=user, language=language)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            response = redirect("frontend:account")
            set_language_cookie(response, language)
            # The banner is read on the next page, in the language just chosen.
            with translation.override(language):
                messages.success(request, _("Your language is saved."))
            return response
    return render(
        request,
        "frontend/account.html",
        {
            "form": form,
            "account_user": user,
            "chosen": chosen,
            "error_title": form.errors,
        },
    )
