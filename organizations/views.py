from django.core.exceptions import ValidationError
from django.shortcuts import render

from houston.errors import HoustonError
from organizations import invitations, services
from organizations.forms import AcceptInvitationForm

TEMPLATE = "organizations/accept_invitation.html"


def accept_invitation(request, token):
    """Show the invitation with a form to choose a password, and accept it.

    The page is protected by Django's CSRF middleware like any form.
    """
    try:
        invitation = invitations.read_token(token)
    except HoustonError as error:
        return render(request, TEMPLATE, {"error": error.message}, status=400)

    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            acceptance = services.invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        except HoustonError as error:
            return render(request, TEMPLATE, {"error": error.message}, status=400)
        else:
            return render(
                request,
                TEMPLATE,
                {"accepted": True, "acceptance": acceptance, "invitation": invitation},
            )

    status = 400 if form.errors else 200
    return render(
        request, TEMPLATE, {"form": form, "invitation": invitation}, status=status
    )
