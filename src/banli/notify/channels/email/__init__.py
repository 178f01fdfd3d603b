"""E-mail through Django's mail (EMAIL_* settings, read from BANLI_EMAIL_* in settings.py)."""

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage

from ...models import Channel
from ..base import ChannelBackend, DeliveryError

FOOTER = "\n\n——\n本邮件由提案办理系统自动发送，请勿直接回复。"


def subject_for(text: str) -> str:
    # The first line: a digest's heading, not its list (one-line messages are their own subject).
    line = " ".join(text.strip().split("\n", 1)[0].split())  # a header never carries a line break
    return settings.BANLI_EMAIL_SUBJECT_PREFIX + (line if len(line) <= 60 else line[:59] + "…")


class Email(ChannelBackend):
    key = Channel.EMAIL
    label = Channel.EMAIL.label
    missing_address = "没有电子邮箱（no e-mail address on file）"

    def addresses(self, user_ids, prefs):
        found = {}
        for pk, email in get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email"):
            chosen = prefs[pk].email if pk in prefs and prefs[pk].email else email
            if chosen:
                found[pk] = chosen
        return found

    def send(self, message):
        mail = EmailMessage(subject_for(message.text), message.text + FOOTER, None, [message.address],
                            headers={"X-Banli-Outbox-Id": str(message.pk)})
        try:
            if mail.send() != 1:
                raise DeliveryError("邮件后端未接受该邮件（the mail backend accepted nothing）")
        except smtplib.SMTPRecipientsRefused as e:
            raise DeliveryError(f"收件人被拒绝（recipient refused）：{e.recipients}") from e
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"邮件服务器不可用（mail server unavailable）：{type(e).__name__}: {e}") from e
        # "smtp", "filebased", "locmem"... from the backend's module path
        return "email:" + settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
