"""Channels and SMS gateways are found from tables of dotted paths (DESIGN.md point 8): each entry
names a class with the same key, and a gateway of one's own is given by its path."""

import pytest
from django.utils.module_loading import import_string

from banli.notify.channels import CHANNELS, all_channels, get_channel, queued_channels
from banli.notify.channels.sms.gateways import GATEWAYS, get_gateway
from banli.notify.models import Channel


def test_every_channel_is_in_the_table_under_its_own_key():
    assert set(CHANNELS) == set(Channel.values)
    assert [c.key for c in all_channels()] == list(CHANNELS)
    assert all(get_channel(key).key == key for key in CHANNELS)
    assert [c.key for c in queued_channels()] == ["email", "sms"]


def test_the_built_in_gateways_are_named_by_path(settings):
    for name, path in GATEWAYS.items():
        assert import_string(path).name == name
        settings.BANLI_SMS_BACKEND = name
        assert type(get_gateway()).name == name


def test_a_gateway_of_ones_own_by_its_dotted_path(settings):
    settings.BANLI_SMS_BACKEND = "banli.notify.channels.sms.dev.OutboxGateway"
    assert get_gateway().name == "outbox"
    settings.BANLI_SMS_BACKEND = "no.such.Gateway"
    with pytest.raises(ImportError):
        get_gateway()
