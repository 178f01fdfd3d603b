"""All of a person's API tokens are revoked when their password changes, by whatever door: their
own account page, the reset link, the office's reset, /admin/, a shell. The change is seen where
every door ends, the save of the user row: before the save the stored hash is read and compared
with the one being saved (only when the password column is being written), after the save the
tokens go. (Django's `password_changed` hook of validators only runs after set_password, and
user_logged_in has nothing to do with it.) An UPDATE that bypasses the model is not seen; the
application has none."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from knox.models import get_token_model

from banli.audit.security import security_event

_FLAG = "_banli_password_changed"


def _before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        setattr(instance, _FLAG, True)


def _after(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not instance.__dict__.pop(_FLAG, False):
        return
    revoked, _ = get_token_model().objects.filter(user=instance).delete()
    if revoked:
        security_event("token_revoked", user=instance, username=instance.get_username(), reason="password_changed", count=revoked)


def connect():
    User = get_user_model()
    pre_save.connect(_before, sender=User, dispatch_uid="banli_token_revocation_before")
    post_save.connect(_after, sender=User, dispatch_uid="banli_token_revocation_after")
