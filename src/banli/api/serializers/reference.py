"""Reference data as clients need it to fill in an action: units, categories, sessions, reply
types, grades, people (without contact data unless the reader may see it), the district leaders
with their portfolios, and the working-day calendar's warnings."""

from rest_framework import serializers

from banli.org.models import Category, FeedbackGrade, Person, ReplyType, Session, Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "supervising_leader"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "assembly", "parent", "name", "position"]


class SessionSerializer(serializers.ModelSerializer):
    term = serializers.CharField(source="term.name")

    class Meta:
        model = Session
        fields = ["id", "assembly", "term", "ordinal", "name", "year", "is_current"]


class ReplyTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyType
        fields = ["id", "code", "name", "name_en", "needs_planned_date", "needs_reason", "needs_leader_approval", "closure", "progress_every_months"]


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackGrade
        fields = ["id", "code", "name", "name_en", "sends_to_rehandling"]


class PersonPublicSerializer(serializers.ModelSerializer):
    """A person without contact data: what anyone who may see the item sees."""

    class Meta:
        model = Person
        fields = ["id", "name", "assembly", "is_collective", "sector", "party"]


class PersonOnItemSerializer(PersonPublicSerializer):
    """A proposer or co-signer on an item: the unit of work is not contact data (the dossier prints it)."""

    class Meta(PersonPublicSerializer.Meta):
        fields = PersonPublicSerializer.Meta.fields + ["employer"]


class PersonContactSerializer(PersonPublicSerializer):
    class Meta(PersonPublicSerializer.Meta):
        fields = PersonPublicSerializer.Meta.fields + ["employer", "phone", "address"]


class PortfolioUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="用户 id：设为重点（mark_key）的 leader_id")
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    title = serializers.CharField(help_text="职务")
    units = PortfolioUnitSerializer(source="portfolio", many=True, help_text="分管的承办单位")

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class CalendarWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    message = serializers.CharField()
    message_zh = serializers.CharField()
    message_en = serializers.CharField()


class CalendarWarningsSerializer(serializers.Serializer):
    warnings = CalendarWarningSerializer(many=True)
