"""Questions to the office or a unit (Q&A, outside any item): what is asked and answered."""

from rest_framework import serializers

from banli.inputs import id_field
from banli.proposals.models import Question


class QuestionSerializer(serializers.ModelSerializer):
    asker = serializers.CharField(source="asker.name")
    to_unit = serializers.CharField(source="to_unit.name", default=None, allow_null=True)

    class Meta:
        model = Question
        fields = ["id", "asker", "to_unit", "subject", "body", "asked_at", "answer", "answered_at"]


class QuestionCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=5000)
    to_unit_id = id_field(required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
