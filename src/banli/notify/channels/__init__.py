"""Notification channels, one folder each, behind a small registry (DESIGN.md point 8):

    inapp/  the inbox (Notification rows), written at once, always on
    email/  Django's mail, through the outbox
    sms/    a pluggable gateway (sms/gateways.py registry: the HTTP adapter, the development outbox)

A channel that goes through the outbox resolves each person's address when a message is queued
and sends one OutboxMessage when deliver_due() asks it to; it raises DeliveryError on failure.
"""

from .base import ChannelBackend, DeliveryError, all_channels, get_channel, queued_channels, register

# Importing the folders registers them.
from . import email, inapp, sms  # noqa: E402,F401  isort:skip

__all__ = ["ChannelBackend", "DeliveryError", "all_channels", "get_channel", "queued_channels", "register"]
