"""Mail rendered from templates and sent once the transaction commits."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_templated_mail(*, template: str, to: str, context: dict) -> None:
    """Render `templates/email/<template>/` and send it after commit.

    Each template folder contains `subject.txt`, `body.txt` and `body.html`.
    Sending waits for the surrounding transaction so that a rolled-back
    change mails nothing. A failing mail server is logged and does not undo
    the change.
    """
    context = {"public_url": settings.PUBLIC_URL, **context}
    subject = render_to_string(f"email/{template}/subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"email/{template}/body.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"email/{template}/body.html", context), "text/html"
    )
    transaction.on_commit(lambda: _deliver(message, template))


def _deliver(message: EmailMultiAlternatives, template: str) -> None:
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # The address is personal data, so the log names only the template.
        logger.exception("Failed to send the %s message", template)
