from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "banli.web"
    label = "web"
    verbose_name = "页面"

    def ready(self):
        # A login starts the session's clocks and asks once whether the password must change (issue 15.1).
        from django.contrib.auth.signals import user_logged_in

        from . import password_gate, session_timeout

        user_logged_in.connect(session_timeout.on_login, dispatch_uid="banli.web.session_timeout")
        user_logged_in.connect(password_gate.on_login, dispatch_uid="banli.web.password_gate")
        # Choice labels translated once per language, not on every get_<field>_display() (issue 16).
        from django.apps import apps

        from .choice_labels import install

        install(apps.get_models())
