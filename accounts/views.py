from django.shortcuts import render

from accounts import services
from houston.errors import HoustonError


def confirm_email(request, token):
    """Confirm an address from the link in the confirmation message.

    The page says whether it worked; opening the link again shows that it is
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
