"""The figures of the hand-worked world (known_world.py), worked out on paper: breakdowns by largest
remainder (ties to the earlier row), single rates half up. The comments show the exact values.
`yesterday=True` gives the report as of the day before TODAY's steps."""

TYPE_NAMES = {"A": ("解决或采纳", "solved or adopted"), "B": ("列入计划拟解决", "planned"), "C": ("留作参考", "for reference")}
GRADE_NAMES = {"good": ("好", "good"), "fair": ("较好", "fairly good"), "average": ("一般", "average"), "poor": ("差", "poor")}
LEAD, SPARE = "区住房和城乡建设委员会", "城东街道办事处"


def by_type(*rows):
    """rows: (count, share) for A, B, C."""
    return [{"code": c, "name": TYPE_NAMES[c][0], "name_en": TYPE_NAMES[c][1], "count": n, "share": s}
            for c, (n, s) in zip("ABC", rows)]


def by_grade(*rows):
    """rows: (count, share) for good, fair, average, poor."""
    return [{"code": g, "name": GRADE_NAMES[g][0], "name_en": GRADE_NAMES[g][1], "count": n, "share": s}
            for g, (n, s) in zip(GRADE_NAMES, rows)]


def cats(*rows):
    return [{"name": name, "count": n, "share": s} for name, n, s in rows]


def period_dict(kind, assembly, value, label):
    return {"kind": kind, "assembly": assembly, "value": value, "label": label}


def nothing_rehandled() -> dict:
    return {"rehandled_items": 0, "rehandled_done": 0, "rehandling_items": 0}


def session_figures(kw, *, yesterday=False) -> dict:
    """S: ten received items (see known_world's docstring)."""
    w = kw.world
    figures = {
        "period": period_dict("session", "cppcc", kw.session.pk, "区政协第六届第五次会议"),
        "received": 10, "units_involved": 3,  # lead_unit, co_unit, spare_unit
        "top_units": [{"id": w.lead_unit.pk, "name": LEAD, "items": 10, "share": 100},
                      {"id": w.spare_unit.pk, "name": SPARE, "items": 2, "share": 20}],
        "by_category": cats(("城市建设和管理", 4, 40), ("经济", 4, 40), ("教科文卫体", 2, 20)),
        # i1 i5 i8 A; i2 i3 i9 i10 B (i9 by its second reply, today); i4 C: 37.5 / 50 / 12.5,
        # and the unit left goes to the earlier of the two .5 remainders (A), so C is 12.
        "replied": 8, "by_reply_type": by_type((3, 38), (4, 50), (1, 12)),
        "closed": 3, "closure_rate": 30,  # i1 (today), i2, i4
        "b_closed_early": 1, "b_in_progress": 3,  # i2 (i1 closed early too, but is A); i3 i9 i10
        # Each item once, by its rating in force: i1 i2 i3 好, i9 较好 (its second rating), i4 一般,
        # i10 一般 (spare_unit's, given last), i5 差; i8 lapsed. 42.9 / 14.3 / 28.6 / 14.3
        "feedback": 7, "feedback_lapsed": 1, "by_grade": by_grade((3, 43), (1, 14), (2, 29), (1, 14)),
        "praised_items": 2, "praised_units": 2, "disagreed_items": 2,  # i1 (lead_unit), i10 (spare_unit); i5, i9
        "rehandled_items": 2, "rehandled_done": 1, "rehandling_items": 1,  # i9 replied again; i5 in hand
        "c_items": 1, "c_share": 12,  # the C row of the breakdown (1/8 as a rate would round to 13)
        "contacts_all_three": 2, "contacts_share": 25,  # i2, i3 of the eight replied
        "key_items": 2, "key_closed": 1,  # i1 i6; i1
    }
    if yesterday:
        figures.update({
            # i9 stood under its first reply, A: 50 / 37.5 / 12.5, the unit left to B.
            "by_reply_type": by_type((4, 50), (3, 38), (1, 12)),
            "closed": 2, "closure_rate": 20, "b_in_progress": 2,  # i2 i4; i3 i10
            # i9 by its first rating (差), i10 by lead_unit's (好). 57.1 / 0 / 14.3 / 28.6
            "feedback": 7, "by_grade": by_grade((4, 57), (0, 0), (1, 14), (2, 29)),
            "rehandled_done": 0, "rehandling_items": 2,  # i9's second reply not yet sent
            "praised_items": 1, "praised_units": 1,
            "contacts_all_three": 1, "contacts_share": 13,  # i2 only: 12.5
            "key_closed": 0,
        })
    return figures


def previous_session_figures(kw) -> dict:
    """P: four received items; the rejected one is not counted. The same as of yesterday."""
    w = kw.world
    return {
        "period": period_dict("session", "cppcc", kw.previous_session.pk, "区政协第六届第四次会议"),
        "received": 4, "units_involved": 1,
        "top_units": [{"id": w.lead_unit.pk, "name": LEAD, "items": 4, "share": 100}],
        "by_category": cats(("经济", 3, 75), ("城市建设和管理", 1, 25)),
        "replied": 4, "by_reply_type": by_type((2, 50), (1, 25), (1, 25)),
        "closed": 2, "closure_rate": 50,
        "b_closed_early": 0, "b_in_progress": 1,
        "feedback": 3, "feedback_lapsed": 0, "by_grade": by_grade((2, 67), (1, 33), (0, 0), (0, 0)),  # 66.7 / 33.3
        "praised_items": 1, "praised_units": 1, "disagreed_items": 0, **nothing_rehandled(),
        "c_items": 1, "c_share": 25,
        "contacts_all_three": 0, "contacts_share": 0,  # met before replying, nothing more
        "key_items": 0, "key_closed": 0,
    }


def term_figures(kw) -> dict:
    """第六届 = S + P."""
    w = kw.world
    return {
        "period": period_dict("term", "cppcc", w.ref.cppcc_term.pk, "区政协第六届"),
        "received": 14, "units_involved": 3,
        "top_units": [{"id": w.lead_unit.pk, "name": LEAD, "items": 14, "share": 100},
                      {"id": w.spare_unit.pk, "name": SPARE, "items": 2, "share": 14}],  # 14.3
        "by_category": cats(("经济", 7, 50), ("城市建设和管理", 5, 36), ("教科文卫体", 2, 14)),  # 50 / 35.7 / 14.3
        # 41.7 / 41.7 / 16.7: the two units left go to A and B, C stays 16 (2/12 as a rate: 17)
        "replied": 12, "by_reply_type": by_type((5, 42), (5, 42), (2, 16)),
        "closed": 5, "closure_rate": 36,  # 35.7
        "b_closed_early": 1, "b_in_progress": 4,
        "feedback": 10, "feedback_lapsed": 1, "by_grade": by_grade((5, 50), (2, 20), (2, 20), (1, 10)),
        "praised_items": 3, "praised_units": 2, "disagreed_items": 2,
        "rehandled_items": 2, "rehandled_done": 1, "rehandling_items": 1,
        "c_items": 2, "c_share": 16,
        "contacts_all_three": 2, "contacts_share": 17,  # 2/12 = 16.7
        "key_items": 2, "key_closed": 1,
    }


def older_term_figures(kw) -> dict:
    """第五届: one item, registered and nothing more."""
    return {
        "period": period_dict("term", "cppcc", kw.older_term.pk, "区政协第五届"),
        "received": 1, "units_involved": 0, "top_units": [],
        "by_category": cats(("经济", 1, 100)),
        "replied": 0, "by_reply_type": by_type((0, 0), (0, 0), (0, 0)),
        "closed": 0, "closure_rate": 0, "b_closed_early": 0, "b_in_progress": 0,
        "feedback": 0, "feedback_lapsed": 0, "by_grade": by_grade((0, 0), (0, 0), (0, 0), (0, 0)),
        "praised_items": 0, "praised_units": 0, "disagreed_items": 0, **nothing_rehandled(),
        "c_items": 0, "c_share": 0, "contacts_all_three": 0, "contacts_share": 0, "key_items": 0, "key_closed": 0,
    }


def npc_figures(kw) -> dict:
    w = kw.world
    return {
        "period": period_dict("session", "npc", w.npc_session.pk, "区人大第七届第五次会议"),
        "received": 2, "units_involved": 2,
        "top_units": [{"id": w.lead_unit.pk, "name": LEAD, "items": 2, "share": 100}],
        "by_category": cats(("城市建设和管理", 1, 50), ("经济", 1, 50)),
        "replied": 1, "by_reply_type": by_type((1, 100), (0, 0), (0, 0)),
        "closed": 1, "closure_rate": 50, "b_closed_early": 0, "b_in_progress": 0,
        "feedback": 1, "feedback_lapsed": 0, "by_grade": by_grade((1, 100), (0, 0), (0, 0), (0, 0)),
        "praised_items": 0, "praised_units": 0, "disagreed_items": 0, **nothing_rehandled(),
        "c_items": 0, "c_share": 0, "contacts_all_three": 0, "contacts_share": 0, "key_items": 0, "key_closed": 0,
    }


def unit_row(unit, *, lead=0, co=0, separate=0, closed=0, sign=(0, 0), consult=(0, 0), reply=(0, 0), co_opinion=(0, 0), message=(0, 0),
             reply_types=(0, 0, 0), grades=(0, 0, 0, 0), co_grades=(0, 0, 0, 0), praise=0, disagreed=0, adjustments=0, urges=0,
             message_hours=None, contacts=(0, 0, 0, 0)) -> dict:
    """One row of the unit table; milestones as (on time, late); contacts as (before, during,
    after, all three)."""
    from banli.reports.rounding import rate

    row = {"id": unit.pk, "name": unit.name, "lead": lead, "co": co, "separate": separate, "closed": closed,
           "reply_types": dict(zip("ABC", reply_types)), "grades": dict(zip(GRADE_NAMES, grades)),
           "co_grades": dict(zip(GRADE_NAMES, co_grades)), "praise": praise, "disagreed": disagreed,
           "adjustments": adjustments, "urges": urges, "message_hours": message_hours,
           "contacts": dict(zip(("before", "during", "after", "all"), contacts))}
    for key, (on_time, late) in (("sign", sign), ("consult", consult), ("reply", reply), ("co_opinion", co_opinion), ("message", message)):
        row[key] = {"due": on_time + late, "on_time": on_time, "late": late, "rate": rate(on_time, on_time + late)}
    return row


def session_unit_table(kw, *, yesterday=False) -> list[dict]:
    """S's unit table, in the table's order: most items led first, then most co-handled."""
    w = kw.world
    y = yesterday
    return [
        # Leads i1-i6, i8, i9; separate on i7 and i10. Signed all ten on time; met eight proposers
        # before replying (i6, i7 not yet: open, not due); eight first replies and i9's second
        # (today) on time (i5's second reply is open); closed i1 (today), i2 (reports) and i4 (C
        # closes on feedback). Replies in force A: i1 i5 i8 i10, B: i2 i3 i9 (today; A before).
        # Ratings in force 好 i1 i2 i3 i10, 较好 i9 (today; 差 before), 一般 i4, 差 i5 (i8 lapsed).
        # Praised on i1; 不同意 on i5 and i9 (two items); urged on i6; the message on i6 answered
        # 5 hours after it came. Contacts: before on all eight it replied to; during on i1 i2 i3
        # i9; after on i2 and i3 (today).
        unit_row(w.lead_unit, lead=8, separate=2, closed=2 if y else 3, sign=(10, 0), consult=(8, 0), reply=(8, 0) if y else (9, 0),
                 message=(1, 0), reply_types=(5, 2, 1) if y else (4, 3, 1), grades=(4, 0, 1, 2) if y else (4, 1, 1, 1), praise=1,
                 disagreed=2, urges=1, message_hours=5.0, contacts=(8, 4, 1, 1) if y else (8, 4, 2, 2)),
        # Separate on i7 (signed 30 days after assignment; urged once) and i10 (met the proposer,
        # replied B; today rated 一般 with praise).
        unit_row(w.spare_unit, separate=2, sign=(1, 1), consult=(1, 0), reply=(1, 0), reply_types=(0, 1, 0),
                 grades=(0, 0, 0 if y else 1, 0), praise=0 if y else 1, urges=1, contacts=(1, 0, 0, 0)),
        # Co-handling on i1 (opinion sent, graded 较好) and i6 (asked for an adjustment, refused;
        # the request answered the signing deadline in time; the opinion is not yet due; urged today).
        unit_row(w.co_unit, co=2, sign=(2, 0), co_opinion=(1, 0), co_grades=(0, 1, 0, 0), adjustments=1, urges=0 if y else 1),
    ]
