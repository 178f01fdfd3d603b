"""The shape of a topic the demo's items are written from."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    sub: str  # subcategory name (see reference.CATEGORY_TREE)
    title: str  # the core of the title: 关于{title}的提案/建议
    reason: str  # 案由
    suggestions: tuple  # three points of 建议
    act: str  # what the unit did or will do (reply, closure report)
    lead: str  # unit code
    co: tuple = ()
    town_lead: bool = False  # the town named in the item may lead instead


def T(sub, title, reason, suggestions, act, lead, co=(), town_lead=False):
    return Topic(sub, title, reason, tuple(suggestions), act, lead, tuple(co), town_lead)

