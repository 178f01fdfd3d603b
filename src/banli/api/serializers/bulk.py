"""Bulk steps (批量办理): the input (the items and the step's own fields) and the per-item outcomes.
Documentation for the schema: the view hands the raw input to banli.proposals.batch, which checks
it as the list's bulk pages do (one set of rules for both doors)."""

from rest_framework import serializers as S

from banli.inputs import id_field, id_list
from banli.proposals import batch


class BulkInput(S.Serializer):
    items = id_list(help_text=f"提案/建议的系统编号，最多 {batch.MAX_BATCH} 件 (item ids, at most {batch.MAX_BATCH})")
    lead = id_field(required=False, help_text="交办：主办单位 (assign: the lead unit)")
    co = id_list(required=False, help_text="交办：会办单位 (assign: co-handling units)")
    note = S.CharField(required=False, help_text="交办说明 (assign: a note to the units)")
    leader_id = id_field(required=False, help_text="设为重点：牵头督办的区领导 (mark_key: the supervising leader)")
    reason = S.CharField(required=False, help_text="设为重点：说明 (mark_key: a reason)")


class BulkOutcomeSerializer(S.Serializer):
    item = S.IntegerField(source="item_id")
    status = S.ChoiceField(choices=[batch.DONE, batch.ALREADY, batch.REFUSED], help_text="done 已办理；already 原已办过，未改动；refused 未办理")
    code = S.CharField(help_text="未办理时的原因代码（如 wrong_state、not_found）")
    message_zh = S.CharField(source="zh")
    message_en = S.CharField(source="en")


class BulkResultSerializer(S.Serializer):
    done = S.IntegerField()
    already = S.IntegerField()
    refused = S.IntegerField()
    results = BulkOutcomeSerializer(many=True)
