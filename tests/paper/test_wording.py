"""What the letters say, from the records alone: a unit's reply that is already a whole letter is
not said twice; sessions are named as documents name them."""

from types import SimpleNamespace as NS

import pytest

from banli.paper.content import _addressee, _letter_body, chinese_ordinal


def _item(name="张三"):
    session = NS(ordinal=1, term=NS(ordinal=6))
    return NS(assembly="cppcc", session=session, display_number="第0012号", number=12, title="关于增设停车位的建议",
              proposer=NS(name=name, is_collective=False))


def test_a_whole_letter_in_the_reply_keeps_its_own_opening():
    body = "张三委员：\n您提出的《关于增设停车位的建议》收悉。现答复如下：\n一、已新增车位200个。\n感谢您的关心。"
    assert _letter_body(_item(), body) == ["您提出的《关于增设停车位的建议》收悉。现答复如下：", "一、已新增车位200个。", "感谢您的关心。"]


def test_a_bare_reply_gets_the_opening_naming_the_item():
    assert _letter_body(_item(), "一、已新增车位200个。") == [
        "您在区政协六届一次会议上提出的第0012号提案《关于增设停车位的建议》收悉。现答复如下：", "一、已新增车位200个。"]


@pytest.mark.parametrize("n,words", [(1, "一"), (5, "五"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一")])
def test_ordinals(n, words):
    assert chinese_ordinal(n) == words


def test_addressee():
    assert _addressee(NS(name="张三", is_collective=False), "npc") == "张三代表："
    assert _addressee(NS(name="民盟区委", is_collective=True), "cppcc") == "民盟区委："
