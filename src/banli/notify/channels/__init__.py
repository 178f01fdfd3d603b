"""Notification channels, one folder each, named in a small table (base.CHANNELS; DESIGN.md point 8):

    inapp/  the inbox (Notification rows), written at once, always on
    email/  Django's mail, through the outbox
    sms/    a pluggable gateway (sms/gateways.py table: the HTTP adapter, the development outbox)

A channel that goes through the outbox resolves each person's address when a message is queued
and sends one OutboxMessage when deliver_due() asks it to; it raises DeliveryError on failure.
"""

from .base import CHANNELS, ChannelBackend, DeliveryError, all_channels, get_channel, queued_channels

__all__ = ["CHANNELS", "ChannelBackend", "DeliveryError", "all_channels", "get_channel", "queued_channels"]
