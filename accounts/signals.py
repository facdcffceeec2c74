from django.dispatch import Signal

# Sent inside the transaction that confirms a user's address, with the
# keyword argument `user`. Receivers that raise roll the confirmation back.
email_confirmed = Signal()
