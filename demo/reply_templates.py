"""The demo office's reply templates (答复模板), one or two per default reply type, written the way
district offices word their letters, so the reply form's template picker has something to offer.
Created through the office's own action (audited, placeholders checked), like any template."""

from django.contrib.auth import get_user_model

from banli.drafting import actions
from banli.drafting.models import ReplyTemplate

TEMPLATES = [
    ("A", "解决或采纳（通用）",
     "{proposer}{person}：\n\n您提出的《{title}》（第{number}号）收悉。{unit}高度重视，经认真研究，现答复如下：\n\n"
     "一、基本情况\n……\n\n二、采纳落实情况\n……\n\n三、下一步工作\n……\n\n感谢您对我区工作的关心和支持，欢迎继续提出宝贵意见。\n\n"
     "{unit}\n{date}"),
    ("B", "列入计划拟解决（通用）",
     "{proposer}{person}：\n\n您提出的《{title}》（第{number}号）收悉。经研究，{unit}已将您的{item}所提事项列入工作计划，现答复如下：\n\n"
     "一、工作计划\n……\n\n二、完成时限\n计划于    年  月底前完成。\n\n三、进展报送\n我单位将按季度向您通报办理进展。\n\n"
     "感谢您对我区工作的关心和支持。\n\n{unit}\n{date}"),
    ("C", "留作参考（通用）",
     "{proposer}{person}：\n\n您提出的《{title}》（第{number}号）收悉。{unit}对所提建议进行了认真研究，现答复如下：\n\n"
     "一、有关情况\n……\n\n二、暂难实施的原因\n……\n\n三、今后打算\n我单位将把您的建议留作今后工作的参考，条件成熟时积极推进。\n\n"
     "感谢您的理解和支持。\n\n{unit}\n{date}"),
]


def load_reply_templates() -> int:
    """Create the templates that are missing (by type and name); returns how many were created."""
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        return 0
    made = 0
    for code, name, body in TEMPLATES:
        if not ReplyTemplate.objects.filter(reply_type__code=code, name=name).exists():
            actions.create_template(office, reply_type=code, name=name, body=body)
            made += 1
    return made
