from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import links, services
from houston.errors import HoustonError


def confirm_email(request, token):
    """Confirm an address from the link in the confirmation message.

    The page shows whether it worked. Opening the link again shows that it is
    no longer valid.
    """
    try:
        user = services.email_confirm(token=token)
    except HoustonError as error:
        return render(
            request,
            "accounts/confirm_email.html",
            {"confirmed": False, "message": error.message},
            status=400,
        )
    return render(
        request, "accounts/confirm_email.html", {"confirmed": True, "user": user}
    )


def change_email(request, token):
    """Switch to a new address from the link mailed to it."""
    try:
        user = services.email_change_confirm(token=token)
    except HoustonError as error:
        message = error.message
    except ValidationError as error:
        message = " ".join(error.messages)
    else:
        return render(
            request, "accounts/change_email.html", {"changed": True, "user": user}
        )
    return render(
        request,
        "accounts/change_email.html",
        {"changed": False, "message": message},
        status=400,
    )


class ResetPasswordForm(forms.Form):
    # The service checks the password rules and the length, so that the page
    # and the API report the same problems.
    new_password = forms.CharField(
        label="New password", strip=False, widget=forms.PasswordInput
    )
    new_password_again = forms.CharField(
        label="New password again", strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if (
            "new_password" in data
            and "new_password_again" in data
            and data["new_password"] != data["new_password_again"]
        ):
            self.add_error("new_password_again", "The two passwords differ.")
        return data


@method_decorator(never_cache, name="dispatch")
@method_decorator(
    sensitive_post_parameters("new_password", "new_password_again"), name="dispatch"
)
class ResetPasswordView(View):
    """The page that a password reset link opens: a form for the new password.

    The form posts back to the same address with Django's CSRF protection,
    and the link stops working once a new password is set.
    """

    template_name = "accounts/reset_password.html"

    def get(self, request, token):
        try:
            links.read_link_token(token, links.RESET_PASSWORD)
        except HoustonError as error:
            return self.link_failed(request, error)
        return render(request, self.template_name, {"form": ResetPasswordForm()})

    def post(self, request, token):
        form = ResetPasswordForm(request.POST)
        if form.is_valid():
            try:
                services.password_reset(
                    token=token, new_password=form.cleaned_data["new_password"]
                )
            except HoustonError as error:
                return self.link_failed(request, error)
            except ValidationError as error:
                for message in error.message_dict.get("new_password", []):
                    form.add_error("new_password", message)
            else:
                return render(request, self.template_name, {"done": True})
        return render(request, self.template_name, {"form": form}, status=400)

    def link_failed(self, request, error: HoustonError):
        return render(
            request, self.template_name, {"message": error.message}, status=400
        )
