from django.dispatch import Signal

# Sent inside the transaction that confirms a user's address, with the
# keyword argument `user`: on confirmation, on a password reset that proves
# the address, and on a confirmed email change. Receivers that raise roll
# the change back.
email_confirmed = Signal()
