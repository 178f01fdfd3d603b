"""What a channel provides, and the table of channels."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ..models import NotificationPreference, OutboxMessage


class DeliveryError(Exception):
    """A send that did not go through; the message is retried, and its text is shown to the office."""


class ChannelBackend:
    key: str = ""
    label: str = ""
    # False: written at once by deliver_now() (the inbox); True: queued in the outbox.
    queued: bool = True
    # Held during BANLI_SMS_QUIET_HOURS (SMS only: a phone buzzing at night is not acceptable).
    quiet_hours: bool = False
    # Recorded as the failure reason when a person has no address for this channel.
    missing_address: str = ""

    def addresses(self, user_ids: list[int], prefs: dict[int, NotificationPreference]) -> dict[int, str]:
        """user id -> address, for the users that have one; one or two queries whatever the count."""
        raise NotImplementedError

    def send(self, message: OutboxMessage) -> str:
        """Send one message; return what sent it (recorded as `via`), raise DeliveryError if not sent."""
        raise NotImplementedError

    def deliver_now(self, user_ids: list[int], kind: str, text: str, item_id: int | None) -> None:
        raise NotImplementedError


# The channels, by key, named by path: each folder's module is imported when the channels are
# first asked for, and none registers itself on import.
CHANNELS = {
    "email": "banli.notify.channels.email.Email",
    "inapp": "banli.notify.channels.inapp.InApp",
    "sms": "banli.notify.channels.sms.Sms",
}


@functools.cache
def _instances() -> dict[str, ChannelBackend]:
    return {key: import_string(path)() for key, path in CHANNELS.items()}


def get_channel(key: str) -> ChannelBackend:
    return _instances()[key]


def all_channels() -> list[ChannelBackend]:
    return list(_instances().values())


def queued_channels() -> list[ChannelBackend]:
    return [c for c in _instances().values() if c.queued]
