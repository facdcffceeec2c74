import logging
import re

# Paths of mailed links carry a signed token that works until it is used or
# expires, so access logs show the path without it.
LINK_TOKEN_PATTERN = re.compile(
    r"/(accounts/confirm-email|accounts/reset-password|accounts/change-email"
    r"|organizations/invitations)"
    r"/[^/\s\"?]+"
)


class RedactLinkTokens(logging.Filter):
    """Replace the tokens in link paths of a log record with `<token>`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = LINK_TOKEN_PATTERN.sub(r"/\1/<token>", message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True
