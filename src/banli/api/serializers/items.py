"""An item in the list, and the inputs of creating and editing a draft. The whole record of one
item is in detail.py; the inputs of the workflow's actions come from banli.proposals.commands."""

from rest_framework import serializers

from banli.inputs import id_field
from banli.org.models import WORDING
from banli.proposals.models import Item


class ItemListSerializer(serializers.ModelSerializer):
    display_number = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    proposer = serializers.CharField(source="proposer.name")
    # No category (a draft may have none) is null: "category.__str__" read None's own __str__ and the
    # list said "<method-wrapper '__str__' of NoneType object ...>".
    category = serializers.CharField(allow_null=True)
    session = serializers.CharField(source="session.__str__")
    reply_type = serializers.CharField(source="reply_type.code", default=None, allow_null=True)
    units = serializers.SerializerMethodField()
    item_word = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["id", "assembly", "item_word", "session", "number", "display_number", "title", "category", "proposer", "state", "state_label",
                  "reply_type", "is_key", "urgent", "units", "submitted_at", "updated_at"]

    def get_units(self, item) -> list[dict]:
        return [{"id": a.unit_id, "name": a.unit.name, "role": a.role} for a in getattr(item, "active_assignments", [])]

    def get_item_word(self, item) -> str:
        return WORDING[item.assembly]["item"]


class ItemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True)
    category = id_field(required=False, allow_null=True)
    consent_publish = serializers.BooleanField(required=False, allow_null=True)
    urgent = serializers.BooleanField(required=False)
    suggested_unit_ids = serializers.ListField(child=id_field(), required=False, max_length=50)
    person_id = id_field(required=False)
    session_id = id_field(required=False)


class ItemEditSerializer(ItemCreateSerializer):
    title = serializers.CharField(max_length=200, required=False)
    person_id = None
    session_id = None
