"""The year-end assessment (考核): what the endpoints answer (the scheme, the year's table, a unit's
explanation, the recomputation) and the shape of what they take. The answers render the dicts of
banli.assessment.selectors, the same ones the page and the Word and Excel files render, so every
door shows the same figures; decimals are strings, as DRF writes them. The inputs check only the
shape: what the values mean (a weight out of range, a closed year) is the actions' to refuse."""

from rest_framework import serializers

from banli.assessment.models import Entry, Indicator, OverdueRule, Scheme, SelfAssessment
from banli.assessment.presets import PRESETS
from banli.assessment.rules import ROLES
from banli.inputs import id_field
from banli.org.models import Assembly


def decimal(**kw) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=2, **kw)


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# --- answers --------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    rule_label = serializers.CharField(source="get_rule_display")

    class Meta:
        model = Indicator
        fields = ["id", "position", "code", "name", "metric", "rule", "rule_label", "points", "per_event", "roles", "params", "note"]


class SchemeSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    overdue_rule_label = serializers.CharField(source="get_overdue_rule_display")
    tier_bonuses = serializers.ListField(child=serializers.FloatField())

    class Meta:
        model = Scheme
        fields = ["year", "name", "style", "state", "state_label", "base", "cap", "pass_mark", "advanced_count", "tier_bonuses",
                  "overdue_rule", "overdue_rule_label", "self_assessment_due", "finalised_at", "finalised_as_of",
                  "published_at"]


class SchemeDetailSerializer(SchemeSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(SchemeSerializer.Meta):
        fields = SchemeSerializer.Meta.fields + ["indicators"]


class AssessmentRefSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="deadline 期限、feedback 评价、question 提问、liaison 联络员变更、entry 人工评分等")
    id = serializers.IntegerField()
    item = serializers.IntegerField(allow_null=True, help_text="所涉提案/建议的编号（/api/items/<item>/）")
    label = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True, help_text="计为得分（true）或失分（false）；不适用时为空")
    note = serializers.CharField(allow_blank=True)


class AssessmentLineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="base 基础分、indicator 指标、adjustment 加减分、floor 保底、cap 封顶")
    code = serializers.CharField(allow_blank=True, help_text="指标代码（与 indicators 的 code 对应）")
    name = serializers.CharField()
    points = decimal()
    figure = serializers.CharField(allow_blank=True, help_text="计分依据（如“应签收 3 项，按时 3 项”）")
    rule = serializers.CharField(allow_blank=True, help_text="计分规则")
    value = serializers.FloatField(allow_null=True)
    refs = AssessmentRefSerializer(many=True, help_text="该项得分所依据的记录（总表中为空，见单位得分明细）")


class AssessmentRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    total = decimal()
    rank = serializers.IntegerField(allow_null=True, help_text="名次；考核结果通报前，承办单位只看到本单位得分，没有名次")
    tier = serializers.IntegerField(allow_null=True, help_text="先进单位档次；0 表示不是先进单位")
    bonus = decimal(allow_null=True, help_text="绩效加分")
    overdue = serializers.IntegerField(help_text="超期次数")
    standing = serializers.CharField(allow_blank=True, help_text="评定说明")
    lines = AssessmentLineSerializer(many=True)


class AssessmentBriefRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    total = decimal()
    rank = serializers.IntegerField(allow_null=True)
    tier = serializers.IntegerField(allow_null=True)
    bonus = decimal(allow_null=True)
    overdue = serializers.IntegerField()


class CriticisedUnitSerializer(AssessmentBriefRowSerializer):
    reasons = serializers.ListField(child=serializers.CharField(), help_text="通报批评的理由")


class IndicatorColumnSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = decimal(allow_null=True)
    per_event = decimal(allow_null=True)
    rule = serializers.CharField()
    metric = serializers.CharField()


class AssessmentTableSerializer(serializers.Serializer):
    scheme = SchemeDetailSerializer()
    as_of = serializers.DateField(allow_null=True, help_text="计分截至日期；未定稿时为空表示截至今天")
    ranked = serializers.BooleanField(help_text="是否显示名次")
    all_units = serializers.BooleanField(help_text="是否列出全部考核单位（否：只有本单位或分管单位）")
    tie_rule = serializers.CharField()
    indicators = IndicatorColumnSerializer(many=True, help_text="表的各列：每行的 lines 按 code 对应")
    rows = AssessmentRowSerializer(many=True)
    advanced = AssessmentBriefRowSerializer(many=True, help_text="先进单位（按名次）")
    criticised = CriticisedUnitSerializer(many=True, help_text="通报批评的单位及理由")


class AssessmentEntrySerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", default=None, allow_null=True)
    indicator_name = serializers.CharField(source="indicator.name", default=None, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display")
    by = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "kind", "kind_label", "indicator", "indicator_name", "unit", "assembly", "points", "reason", "by", "at", "withdrawn"]

    def get_by(self, e) -> str:
        return person(e.by)


class SelfAssessmentFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class SelfAssessmentSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    files = SelfAssessmentFileSerializer(many=True, read_only=True)

    class Meta:
        model = SelfAssessment
        fields = ["id", "unit", "text", "score", "submitted_by", "submitted_at", "files"]

    def get_submitted_by(self, s) -> str:
        return person(s.submitted_by)


class AssessmentUnitReportSerializer(AssessmentRowSerializer):
    scheme = SchemeSerializer()
    as_of = serializers.DateField(allow_null=True)
    entries = AssessmentEntrySerializer(many=True, help_text="人工评分、评价和加减分记录（含已撤销的）")
    self_assessment = SelfAssessmentSerializer(allow_null=True)


class RecomputedLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    before = decimal(allow_null=True)
    after = decimal(allow_null=True)
    figure_before = serializers.CharField(allow_blank=True)
    figure_after = serializers.CharField(allow_blank=True)


class RecomputedUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    total_before = decimal(allow_null=True)
    total_after = decimal(allow_null=True)
    rank_before = serializers.IntegerField(allow_null=True)
    rank_after = serializers.IntegerField(allow_null=True)
    tier_before = serializers.IntegerField()
    tier_after = serializers.IntegerField()
    lines = RecomputedLineSerializer(many=True)


# --- inputs ---------------------------------------------------------------------------------


class SchemeCreateInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=0, max_value=32767, help_text="年度")
    preset = serializers.ChoiceField(choices=sorted(PRESETS), required=False, default="weighted",
                                     help_text="预设的考核方式：weighted 加权指标、per_item 单件考核＋综合考核、deduction 扣分制")
    copy_from = serializers.IntegerField(min_value=0, max_value=32767, required=False, allow_null=True, help_text="复制哪一年度的考核办法（给出时不看 preset）")


class SchemeUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    base = decimal(required=False)
    cap = decimal(required=False, allow_null=True)
    pass_mark = decimal(required=False)
    advanced_count = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    tier_bonuses = serializers.ListField(child=decimal(), required=False, max_length=5, help_text="一档、二档……的加分，如 [0.3, 0.2, 0.1]")
    overdue_rule = serializers.ChoiceField(choices=OverdueRule.choices, required=False)
    self_assessment_due = serializers.DateField(required=False, allow_null=True)


class IndicatorInput(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    metric = serializers.CharField(max_length=30, required=False, help_text="数据来源（如 reply_on_time、manual、evaluation）")
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    points = decimal(required=False, allow_null=True)
    per_event = decimal(required=False, allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), required=False, max_length=3)
    params = serializers.DictField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class PointsInput(serializers.Serializer):
    indicator_id = id_field()
    unit_id = id_field()
    points = decimal()
    reason = serializers.CharField(max_length=2000)
    assembly = serializers.ChoiceField(choices=Assembly.choices, required=False, allow_blank=True,
                                       help_text="以哪个工委的名义评价（同时任两个工委时）")


class AdjustmentInput(serializers.Serializer):
    unit_id = id_field()
    points = decimal(help_text="加分为正，减分为负")
    reason = serializers.CharField(max_length=2000)


class EntryWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SelfAssessmentInput(serializers.Serializer):
    unit_id = id_field()
    text = serializers.CharField(max_length=20000)
    score = decimal(required=False, allow_null=True, help_text="自评分（可不填）")
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10, help_text="附件（总结材料）")


class FinaliseInput(serializers.Serializer):
    as_of = serializers.DateField(required=False, allow_null=True, help_text="计分截至日期（默认今天）")
