"""Three ways districts and provinces score their units, shipped as starting points the office
edits: each is only configuration (a scheme's settings and its indicators)."""

from decimal import Decimal

D = Decimal
ALL = ["lead", "co", "separate"]
ANSWERING = ["lead", "separate"]


def _i(code, name, metric, rule, points, *, per_event=None, roles=None, params=None, note=""):
    return {"code": code, "name": name, "metric": metric, "rule": rule, "points": D(str(points)) if points is not None else None,
            "per_event": D(str(per_event)) if per_event is not None else None, "roles": roles or [], "params": params or {}, "note": note}


MANUAL = [
    _i("leadership", "领导重视", "manual", "entered", 2, note="主要领导研究部署、亲自督办"),
    _i("rules", "制度建设", "manual", "entered", 2, note="办理制度健全、责任落实"),
    _i("inspection", "检查指导", "manual", "entered", 2, note="区府办检查指导情况"),
]

WEIGHTED = {
    "name": "建议提案办理工作考核办法（加权指标）",
    "settings": {"base": D(0), "cap": D(100)},
    "indicators": [
        _i("sign", "按时签收", "sign_on_time", "rate", 5, roles=ALL),
        _i("consult", "按时面商", "consult_on_time", "rate", 8),
        _i("reply", "按时答复", "reply_on_time", "rate", 12),
        _i("co_opinion", "按时提出会办意见", "co_opinion_on_time", "rate", 5),
        _i("progress", "按时报送办理进展", "progress_on_time", "rate", 6),
        _i("grade", "委员满意度", "grade_mean", "rate", 14),
        _i("agreement", "同意答复", "agreement", "rate", 5),
        _i("praise", "受表扬", "praise", "per_event", 3, per_event=1),
        _i("ab", "A、B类答复占比", "ab_share", "rate", 8, params={"codes": ["A", "B"]}),
        _i("contacts", "三次沟通", "three_contacts", "rate", 10),
        _i("messages", "留言答复时效", "message_hours", "hours", 3, params={"good": 24, "bad": 120}),
        _i("questions", "有问必答时效", "question_hours", "hours", 2, params={"good": 48, "bad": 240}),
        _i("co_by_proposer", "会办：委员评价", "co_grade_proposer", "rate", 3),
        _i("co_by_lead", "会办：主办单位评价", "co_grade_lead", "rate", 3),
        *MANUAL,
        _i("evaluation", "提案委/代表工委评价", "evaluation", "entered", 5),
        _i("self", "按时提交总结自评", "self_assessment", "rate", 2, params={"none": "zero"}),
        _i("liaison", "联络员更换", "liaison_changes", "per_event", 4, per_event=-2, params={"allowed": 1}),
    ],
}

PER_ITEM = {
    "name": "建议提案办理工作考核办法（单件考核与综合考核）",
    "settings": {"base": D(0), "cap": D(100)},
    "indicators": [
        _i("items", "单件考核", "per_item", "per_item", 70, roles=ALL, params={
            "lead": [{"figure": "reply_speed", "points": 20, "per_day": 2}, {"figure": "grade", "points": 50},
                     {"figure": "reply_type", "points": 30, "map": {"A": 1, "B": 0.8, "C": 0.4}}],
            "co": [{"figure": "co_opinion_speed", "points": 40, "per_day": 4}, {"figure": "lead_grade", "points": 30},
                   {"figure": "proposer_co_grade", "points": 30}],
        }),
        _i("sign", "按时签收", "sign_on_time", "rate", 5, roles=ALL),
        _i("contacts", "三次沟通", "three_contacts", "rate", 6),
        _i("messages", "留言答复时效", "message_hours", "hours", 3, params={"good": 24, "bad": 120}),
        *MANUAL,
        _i("evaluation", "提案委/代表工委评价", "evaluation", "entered", 6),
        _i("self", "按时提交总结自评", "self_assessment", "rate", 4, params={"none": "zero"}),
    ],
}

OVERDUE_DEDUCTIONS = [("sign", "超期签收", 1), ("consult", "超期面商", 1), ("co_opinion", "超期会办", 1), ("reply", "超期答复", 3),
                      ("second_reply", "超期重新答复", 3), ("progress", "超期报送进展", 1), ("message", "超期回复留言", 0.5),
                      ("question", "超期答复提问", 0.5)]

DEDUCTION = {
    "name": "建议提案办理工作考核办法（扣分制）",
    "settings": {"base": D(100), "cap": D(100)},
    "indicators": [
        *[_i(f"overdue_{kind}", name, "overdue", "per_event", None, per_event=-each, params={"kinds": [kind]}) for kind, name, each in OVERDUE_DEDUCTIONS],
        _i("urges", "被催办", "urges", "per_event", None, per_event=-1),
        _i("adjustments", "调整申请理由不成立", "refused_adjustments", "per_event", None, per_event=-2),
        _i("liaison", "联络员更换超过一次", "liaison_changes", "per_event", None, per_event=-2, params={"allowed": 1}),
    ],
}

PRESETS = {"weighted": WEIGHTED, "per_item": PER_ITEM, "deduction": DEDUCTION}
PRESET_NAMES = {"weighted": "加权指标", "per_item": "单件考核＋综合考核", "deduction": "扣分制"}
