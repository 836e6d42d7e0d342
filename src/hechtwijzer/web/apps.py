from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hechtwijzer.web"
    verbose_name = "Web"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from hechtwijzer import words

        from . import worklist_sources  # noqa: F401  (registers the home page's work lists)

        # The school's words for the whole session, decided at log-in (hechtwijzer.words).
        user_logged_in.connect(words.remember_country, dispatch_uid="words.remember_country")
