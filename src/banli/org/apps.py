from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "banli.org"
    label = "org"
    verbose_name = "组织与基础数据"

    def ready(self):
        # Failed logins and lockouts become security events (banli.org.lockouts), after axes counted them.
        from django.contrib.auth.signals import user_login_failed

        from .lockouts import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="banli.org.lockouts")
