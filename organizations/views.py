from django.core.exceptions import ValidationError
from django.shortcuts import render

from accounts.models import User
from houston.errors import HoustonError
from organizations import invitations, services
from organizations.forms import AcceptInvitationForm

TEMPLATE = "organizations/accept_invitation.html"


def accept_invitation(request, token):
    """Show the invitation with a form, and accept it.

    Someone without a confirmed account chooses a password there. Someone
    with one only confirms, because their account keeps its password. The
    form is protected by Django's CSRF middleware like any other.
    """
    try:
        invitation = invitations.read_token(token)
    except HoustonError as error:
        return render(request, TEMPLATE, {"error": error.message}, status=400)

    has_account = User.objects.filter(
        email=invitation.email, email_confirmed=True, is_active=True
    ).exists()
    form = None if has_account else AcceptInvitationForm(request.POST or None)

    if request.method == "POST" and (form is None or form.is_valid()):
        fields = {} if form is None else form.cleaned_data
        try:
            acceptance = services.invitation_accept(
                token=token, **{"password": "", **fields}
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        except HoustonError as error:
            return render(request, TEMPLATE, {"error": error.message}, status=400)
        else:
            context = {"accepted": True, "acceptance": acceptance}
            return render(request, TEMPLATE, {**context, "invitation": invitation})

    context = {"form": form, "invitation": invitation, "has_account": has_account}
    status = 400 if form is not None and form.errors else 200
    return render(request, TEMPLATE, context, status=status)
