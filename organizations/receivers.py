from django.dispatch import receiver

from accounts.signals import email_confirmed
from organizations import services


@receiver(email_confirmed)
def attach_invitations(sender, user, **kwargs):
    services.invitations_attach(user=user)
