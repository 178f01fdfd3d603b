"""Input fields shared by every door that validates with DRF serializers (the action commands, the
API's other endpoints and the page forms): one definition of an id, so that every door refuses
the same values with the same message."""

from rest_framework import serializers

from banli.params import MAX_ID


def id_field(**kw) -> serializers.IntegerField:
    """A record id the database can hold: 1..2**63-1 (larger numbers overflow SQLite's integer)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kw)


def id_list(**kw) -> serializers.ListField:
    """Several ids, at most 200 (a list box never offers more)."""
    kw.setdefault("max_length", 200)
    return serializers.ListField(child=id_field(), **kw)
