from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hechtwijzer.web"
    verbose_name = "Web"
