"""What a step of the workflow answers (POST /api/items/<id>/actions/<step>/): by default the item
as it now is (ItemDetail); the step's state only (ItemStepResult) when the client asks for it with
`Prefer: return=minimal` (RFC 7240), or when the step took the item out of the actor's sight."""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer
from rest_framework import serializers

from .detail import ItemDetailSerializer


class ItemStepResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text="状态 (the item's state after the step)")
    visible = serializers.BooleanField(help_text="操作人是否仍可查看该件 (whether the actor still sees the item)")


STEP_ANSWER = PolymorphicProxySerializer(
    component_name="ItemStepAnswer", serializers=[ItemDetailSerializer, ItemStepResultSerializer], resource_type_field_name=None,
)

PREFER_PARAMETER = OpenApiParameter(
    "Prefer", str, OpenApiParameter.HEADER, required=False, enum=["return=minimal", "return=representation"],
    description=("return=minimal：只返回该件编号、状态及是否仍可查看，不再读取整件记录（批量或脚本调用时更快）；默认返回整件记录。"
                 " (return=minimal: answer with the item's id, state and whether it is still visible, without reading its whole "
                 "record back, which is faster for scripts and batches; by default the whole item is returned.)"),
)
