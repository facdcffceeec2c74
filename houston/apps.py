from django.apps import AppConfig


class HoustonConfig(AppConfig):
    name = "houston"
    verbose_name = "Houston"

    def ready(self):
        from houston import encryption

        # Refuse to start with a malformed key rather than fail on the first
        # request that reads or writes a secret.
        encryption.check_keys()
