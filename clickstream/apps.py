from django.apps import AppConfig


class ClickstreamConfig(AppConfig):
    name = "clickstream"
    verbose_name = "Clickstream"
