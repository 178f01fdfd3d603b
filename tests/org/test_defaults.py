"""A new installation, migrated and nothing else, holds DOMAIN.md's editable defaults."""

import pytest
from django.db import IntegrityError, transaction

from banli.org.defaults import install_defaults
from banli.org.models import Category, FeedbackGrade, ReplyType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def as_migrated():
    """The tables as the data migration leaves them. A transactional test that ran before in the
    same worker empties them when it ends (its flush, which `make test`'s file-by-file workers can
    put before this file), and Django's serialized rollback cannot bring them back reliably (its
    reload collides with the content types a flush re-creates). So when they are empty, the
    migration's own step is run again, which is what a new installation runs."""
    if not ReplyType.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("banli.org.migrations.0002_top_category_unique_and_defaults").install(apps, None)


def test_migrated_database_holds_the_domain_defaults():
    types = {t.code: t for t in ReplyType.objects.all()}
    assert set(types) == {"A", "B", "C"}
    assert types["B"].needs_planned_date and types["C"].needs_reason and types["C"].needs_leader_approval
    assert (types["A"].progress_every_months, types["B"].progress_every_months) == (1, 3)
    assert [g.name for g in FeedbackGrade.objects.order_by("position")] == ["好", "较好", "一般", "差"]
    assert [g.code for g in FeedbackGrade.objects.filter(sends_to_rehandling=True)] == ["poor"]
    for assembly in ("cppcc", "npc"):
        tops = list(Category.objects.filter(assembly=assembly, parent=None).order_by("position").values_list("name", flat=True))
        assert tops == ["经济", "城市建设和管理", "教科文卫体", "综合"]
        assert Category.objects.filter(assembly=assembly, parent__isnull=False).count() == 19


def test_installing_again_changes_nothing_and_keeps_edits():
    ReplyType.objects.filter(code="C").update(name="留作参考（本区）")
    assert install_defaults(ReplyType, FeedbackGrade, Category) == {"reply_types": 0, "feedback_grades": 0, "categories": 0}
    assert ReplyType.objects.get(code="C").name == "留作参考（本区）"


def test_top_level_category_names_are_unique_per_assembly():
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(assembly="cppcc", parent=None, name="经济")
    Category.objects.create(assembly="cppcc", parent=Category.objects.get(assembly="cppcc", name="综合"), name="经济")
