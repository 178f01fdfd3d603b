"""The DOMAIN.md defaults of the editable tables: reply types, feedback grades and each assembly's
category tree. Plain data, so the data migration can install them with historical models; an
administrator edits them afterwards in the admin."""

from decimal import Decimal

ASSEMBLIES = ("cppcc", "npc")

REPLY_TYPES = [
    {"code": "A", "name": "解决或采纳", "name_en": "solved or adopted", "position": 1, "needs_planned_date": False,
     "needs_reason": False, "needs_leader_approval": False, "closure": "report", "progress_every_months": 1},
    {"code": "B", "name": "列入计划拟解决", "name_en": "planned", "position": 2, "needs_planned_date": True,
     "needs_reason": False, "needs_leader_approval": False, "closure": "plan", "progress_every_months": 3},
    {"code": "C", "name": "留作参考", "name_en": "for reference", "position": 3, "needs_planned_date": False,
     "needs_reason": True, "needs_leader_approval": True, "closure": "feedback", "progress_every_months": None},
]

FEEDBACK_GRADES = [
    {"code": "good", "name": "好", "name_en": "good", "score": Decimal("100"), "sends_to_rehandling": False, "position": 1},
    {"code": "fair", "name": "较好", "name_en": "fairly good", "score": Decimal("85"), "sends_to_rehandling": False, "position": 2},
    {"code": "average", "name": "一般", "name_en": "average", "score": Decimal("70"), "sends_to_rehandling": False, "position": 3},
    {"code": "poor", "name": "差", "name_en": "poor", "score": Decimal("40"), "sends_to_rehandling": True, "position": 4},
]

# Two levels per assembly; the top level is DOMAIN.md's.
CATEGORY_TREE = [
    ("经济", ["产业发展", "营商环境", "科技创新", "乡村振兴", "商贸消费"]),
    ("城市建设和管理", ["城市更新", "交通出行", "生态环境", "住房和物业", "市政设施"]),
    ("教科文卫体", ["教育", "医疗卫生", "文化旅游", "体育健身"]),
    ("综合", ["养老服务", "社会保障", "社会治理", "政务服务", "安全生产"]),
]


def install_defaults(ReplyType, FeedbackGrade, Category) -> dict:
    """Create whichever default rows are missing (matched by code or name); rows that exist are
    left as an administrator may have edited them. Takes the model classes so that a migration
    can pass its historical models. Returns how many rows of each kind were created."""
    created = {"reply_types": 0, "feedback_grades": 0, "categories": 0}
    for row in REPLY_TYPES:
        row = dict(row)
        created["reply_types"] += ReplyType.objects.get_or_create(code=row.pop("code"), defaults=row)[1]
    for row in FEEDBACK_GRADES:
        row = dict(row)
        created["feedback_grades"] += FeedbackGrade.objects.get_or_create(code=row.pop("code"), defaults=row)[1]
    for assembly in ASSEMBLIES:
        for i, (top_name, children) in enumerate(CATEGORY_TREE, start=1):
            top, new = Category.objects.get_or_create(assembly=assembly, parent=None, name=top_name, defaults={"position": i * 10})
            created["categories"] += new
            for j, child in enumerate(children, start=1):
                created["categories"] += Category.objects.get_or_create(
                    assembly=assembly, parent=top, name=child, defaults={"position": i * 10 + j})[1]
    return created
