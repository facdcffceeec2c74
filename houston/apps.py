from django.apps import AppConfig


class HoustonConfig(AppConfig):
    name = "houston"
    verbose_name = "Houston"
