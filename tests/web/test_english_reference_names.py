"""Reply types and grades are entered with an English name (name_en): on English pages they are
interface words and show in English; on Chinese pages, in Chinese."""

import pytest

from banli.org.models import FeedbackGrade, ReplyType
from tests.web.pages import login

pytestmark = pytest.mark.django_db


def test_shown_name_follows_the_language(world):
    from django.utils import translation

    a = ReplyType.objects.get(code="A")
    poor = FeedbackGrade.objects.get(code="poor")
    assert a.name_en and poor.name_en
    with translation.override("en"):
        assert (a.shown_name, poor.shown_name) == (a.name_en, poor.name_en)
    with translation.override("zh-hans"):
        assert (a.shown_name, poor.shown_name) == (a.name, poor.name)


def test_the_report_page_heads_its_grade_columns_in_the_readers_language(world, gov_office):
    c = login(gov_office)
    poor = FeedbackGrade.objects.get(code="poor")
    zh = c.get("/reports/").content.decode()
    c.cookies["django_language"] = "en"
    en = c.get("/reports/").content.decode()
    assert f">{poor.name}<" in zh and f">{poor.name_en}<" in en and f">{poor.name}<" not in en
