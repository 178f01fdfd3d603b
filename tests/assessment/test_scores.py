"""The small year of world.py scored by each preset, worked out by hand here.

What the records say (as of today), unit by unit:

    lead_unit (L): leads w1 and w2, handles w3 separately.
        signed 3 of 3 on time; met the proposer (first consultation) 3 of 3 on time;
        replied 2 of 3 on time (w2 3 working days late: one overdue event, 超期答复);
        no co-opinion and no progress report due yet;
        ratings in force 好 100, 较好 85, 好 100: mean 95; agreed 3 of 3; praised once (w1);
        replies in force A, B, A: A+B 3 of 3; all three contacts on w1 only: 1 of 3.
    co_unit (C): co-handles w1. Signed 1 of 1 on time, co-opinion 1 of 1 on time; graded by the
        proposer 较好 (85) and by the lead unit 好 (100). Nothing else applies to it.
    spare_unit (S): handles w3 separately, leads w4.
        signed 1 of 2 on time (w3 late: 超期接收); met the proposer on w3 on time (w4 not due);
        replied w3 on time (w4 not due); rating in force 一般 70, agreed; reply C: A+B 0 of 1;
        contacts: before only on w3, none on w4: 0 of 2; urged once; one adjustment request
        refused; two changes of liaison, one more than allowed.

What people enter in these tests: the office gives L 领导重视 2 and 制度建设 1.5 and C 检查指导
2; the CPPCC office evaluates L at 4 and the NPC office at 3 (mean 3.5); L submits its
self-assessment in time; the office takes 1 point from S (报送材料不实)."""

from decimal import Decimal

import pytest

from banli.assessment import actions
from banli.assessment.compute import standings
from banli.assessment.models import Scheme
from tests.assessment.world import build_assessment_world

pytestmark = pytest.mark.django_db
D = Decimal


def _enter(w, scheme, *, evaluation_max=None):
    W = w.world
    ind = {i.code: i for i in scheme.indicators.all()}
    if "leadership" in ind:
        actions.enter_points(W.gov_office, w.year, indicator_id=ind["leadership"].pk, unit_id=W.lead_unit.pk, points="2", reason="主要领导专题部署")
        actions.enter_points(W.gov_office, w.year, indicator_id=ind["rules"].pk, unit_id=W.lead_unit.pk, points="1.5", reason="制度基本健全")
        actions.enter_points(W.gov_office, w.year, indicator_id=ind["inspection"].pk, unit_id=W.co_unit.pk, points="2", reason="接受检查指导")
    if "evaluation" in ind:
        actions.enter_points(W.cppcc_office, w.year, indicator_id=ind["evaluation"].pk, unit_id=W.lead_unit.pk, points="4", reason="沟通主动")
        actions.enter_points(W.npc_office, w.year, indicator_id=ind["evaluation"].pk, unit_id=W.lead_unit.pk, points="3", reason="答复较好")
    actions.submit_self_assessment(W.lead_liaison, w.year, unit_id=W.lead_unit.pk, text="本单位全年共承办建议提案3件……")
    actions.adjust_score(W.gov_office, w.year, unit_id=W.spare_unit.pk, points="-1", reason="报送材料不实")


def _by_name(w, ranked):
    W = w.world
    names = {W.lead_unit.pk: "L", W.co_unit.pk: "C", W.spare_unit.pk: "S"}
    return {names[s.unit]: s for s in ranked}


def _lines(s):
    return {ln.name: ln.points for ln in s.lines}


@pytest.fixture
def year(world):
    return build_assessment_world(world)


def test_weighted_preset(year):
    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset="weighted")
    _enter(w, scheme)
    got = _by_name(w, standings(scheme))
    L, C, S = got["L"], got["C"], got["S"]
    # L: sign 5×3/3 = 5; consult 8×3/3 = 8; reply 12×2/3 = 8; co-opinion and progress: none due,
    # full 5 and 6; grade 14×95/100 = 13.30; agreement 5; praise 1×1 = 1; A+B 8×3/3 = 8;
    # contacts 10×1/3 = 3.33; messages and questions: none, full 3 and 2; co grades: not a
    # co-handling unit, full 3 and 3; manual 2 + 1.5 + 0; evaluation (4+3)/2 = 3.5;
    # self-assessment 2; liaison 0.
    assert _lines(L) == {
        "按时签收": D("5.00"), "按时面商": D("8.00"), "按时答复": D("8.00"), "按时提出会办意见": D("5.00"), "按时报送办理进展": D("6.00"),
        "委员满意度": D("13.30"), "同意答复": D("5.00"), "受表扬": D("1.00"), "A、B类答复占比": D("8.00"), "三次沟通": D("3.33"),
        "留言答复时效": D("3.00"), "有问必答时效": D("2.00"), "会办：委员评价": D("3.00"), "会办：主办单位评价": D("3.00"),
        "领导重视": D("2.00"), "制度建设": D("1.50"), "检查指导": D("0.00"), "提案委/代表工委评价": D("3.50"),
        "按时提交总结自评": D("2.00"), "联络员更换": D("0.00"),
    }
    assert L.total == D("82.63")
    # C: everything that does not apply is full (sign 5, consult 8, reply 12, co-opinion 5/5,
    # progress 6, grade 14, agreement 5, A+B 8, contacts 10, messages 3, questions 2), praise 0;
    # proposer's grade 3×85/100 = 2.55, lead's 3×100/100 = 3; inspection 2; no evaluation, no
    # self-assessment: 5+8+12+5+6+14+5+8+10+3+2+2.55+3+2 = 85.55.
    assert C.total == D("85.55")
    assert _lines(C)["会办：委员评价"] == D("2.55") and _lines(C)["按时提交总结自评"] == D("0.00")
    # S: sign 5×1/2 = 2.5; consult 8; reply 12; co-opinion 5; progress 6; grade 14×0.7 = 9.8;
    # agreement 5; praise 0; A+B 0; contacts 0; messages 3; questions 2; co grades 3 + 3;
    # liaison -2 (one change beyond the one allowed); adjustment -1: 56.30.
    assert _lines(S)["按时签收"] == D("2.50") and _lines(S)["联络员更换"] == D("-2.00") and _lines(S)["加减分"] == D("-1.00")
    assert S.total == D("56.30")
    # Ranking: C 85.55, L 82.63, S 56.30. L and S each have an overdue event, so under the
    # default rule (no advanced unit with an overdue event) only C is advanced, in the first tier.
    assert [s.unit for s in sorted(got.values(), key=lambda s: s.rank)] == [C.unit, L.unit, S.unit]
    assert (C.tier, C.bonus, L.tier, S.tier) == (1, D("0.30"), 0, 0)
    assert L.standing == "有超期 1 次，不得评为先进"


def test_weighted_preset_with_overdue_units_dropping_a_tier(year):
    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset="weighted")
    actions.update_scheme(w.world.gov_office, w.year, advanced_count=3, overdue_rule="drop_tier")
    _enter(w, scheme)
    got = _by_name(w, standings(Scheme.objects.get(pk=scheme.pk)))
    # Three places, one per tier: C first (tier 1); L second would be tier 2, drops to 3; S third
    # would be tier 3, drops out.
    assert (got["C"].tier, got["L"].tier, got["S"].tier) == (1, 3, 0)
    assert (got["L"].bonus, got["L"].standing) == (D("0.10"), "有超期 1 次，降一档")


def test_per_item_preset(year):
    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset="per_item")
    _enter(w, scheme)
    got = _by_name(w, standings(scheme, records=True))
    L, C, S = got["L"], got["C"], got["S"]
    # Items (lead rule: speed 20, quality 50 by grade, result 30 by type A 1 / B 0.8 / C 0.4;
    # co rule: co-opinion speed 40, lead's grade 30, proposer's grade 30):
    #   L w1 20 + 50 + 30 = 100; w2 (20 - 2×3) + 50×0.85 + 30×0.8 = 14 + 42.5 + 24 = 80.5;
    #     w3 100. Mean 93.5, × 70% = 65.45.
    #   C w1 40 + 30 + 30×0.85 = 95.5, × 70% = 66.85.
    #   S w3 20 + 50×0.7 + 30×0.4 = 67; w4 nothing due yet: speed 20, no rating yet 50, no reply 0
    #     = 70. Mean 68.5, × 70% = 47.95.
    assert (_lines(L)["单件考核"], _lines(C)["单件考核"], _lines(S)["单件考核"]) == (D("65.45"), D("66.85"), D("47.95"))
    # General part: sign 5; contacts 6; messages 3; manual; evaluation out of 6; self-assessment 4.
    #   L 65.45 + 5 + 6×1/3 + 3 + (2 + 1.5) + 3.5 + 4 = 86.45
    #   C 66.85 + 5 + 6 + 3 + 2 = 82.85
    #   S 47.95 + 2.5 + 0 + 3 - 1 = 52.45
    assert (L.total, C.total, S.total) == (D("86.45"), D("82.85"), D("52.45"))
    assert (L.rank, C.rank, S.rank) == (1, 2, 3)
    assert (L.tier, C.tier, S.tier) == (0, 1, 0)  # L ranks first but has an overdue event
    item_line = next(ln for ln in L.lines if ln.name == "单件考核")
    notes = {r.item: r.note for r in item_line.refs}
    assert notes[w.items["w2"].pk].startswith("主办 80.5 分：答复时效 14.0/20（超期 3 个工作日）")


def test_deduction_preset(year):
    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset="deduction")
    actions.adjust_score(w.world.gov_office, w.year, unit_id=w.world.co_unit.pk, points="2", reason="工作创新")
    _enter(w, scheme)
    got = _by_name(w, standings(scheme))
    L, C, S = got["L"], got["C"], got["S"]
    # L: 100 - 3 (one late reply) = 97.
    assert L.total == D("97.00") and _lines(L)["超期答复"] == D("-3.00")
    # C: 100 + 2, but never above 100: a line takes the 2 back.
    assert C.total == D("100.00")
    assert [(ln.kind, ln.points) for ln in C.lines if ln.kind in ("base", "adjustment", "cap")] == [
        ("base", D("100.00")), ("adjustment", D("2.00")), ("cap", D("-2.00"))]
    # S: 100 - 1 (late signing) - 1 (urged) - 2 (adjustment refused) - 2 (a liaison change too many) - 1 (adjusted) = 93.
    lines = _lines(S)
    assert (lines["超期签收"], lines["被催办"], lines["调整申请理由不成立"], lines["联络员更换超过一次"], lines["加减分"]) == (
        D("-1.00"), D("-1.00"), D("-2.00"), D("-2.00"), D("-1.00"))
    assert S.total == D("93.00")
    for s in (L, C, S):
        assert sum(ln.points for ln in s.lines) == s.total


def test_each_figure_names_its_records(year):
    """The explanation's records are the ones the figures count: the late reply is w2's, the late
    signing w3's (spare_unit), the refused adjustment and the urge w4's."""
    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset="deduction")
    got = _by_name(w, standings(scheme, records=True))
    refs = {ln.name: ln.refs for ln in got["L"].lines}
    assert [(r.kind, r.item) for r in refs["超期答复"]] == [("overdue", w.items["w2"].pk)]
    refs = {ln.name: ln.refs for ln in got["S"].lines}
    assert [r.item for r in refs["超期签收"]] == [w.items["w3"].pk]
    assert [r.item for r in refs["被催办"]] == [w.items["w4"].pk]
    assert [r.item for r in refs["调整申请理由不成立"]] == [w.items["w4"].pk]
    assert [r.ok for r in refs["联络员更换超过一次"]] == [True, False]  # the first is allowed, the second is not


@pytest.mark.parametrize("preset", ["weighted", "per_item", "deduction"])
def test_one_units_page_computes_what_the_whole_table_does(year, preset):
    """The table counts in the database without listing records; the unit's page loads only that
    unit's records and lists them. Both state the same lines, point for point, and each listed
    line names as many records as its figure counts, as many of them for the unit."""
    from banli.assessment.compute import compute

    w = year
    scheme = actions.create_scheme(w.world.gov_office, w.year, preset=preset)
    _enter(w, scheme)
    table = {s.unit: s for s in compute(scheme)}
    listed = {s.unit: s for s in compute(scheme, records=True)}
    assert set(table) == set(listed) and len(table) == 3

    def stated(s):
        return [(ln.name, ln.points, ln.figure, ln.rule, ln.value, ln.n, ln.ok) for ln in s.lines]

    for unit, s in table.items():
        assert all(ln.refs == [] for ln in s.lines)  # the table lists nothing
        (alone,) = compute(scheme, unit_id=unit, records=True)
        assert stated(alone) == stated(s) == stated(listed[unit])
        assert [[r.id for r in ln.refs] for ln in alone.lines] == [[r.id for r in ln.refs] for ln in listed[unit].lines]
        assert alone.total == s.total
        for ln in alone.lines:
            if ln.kind == "indicator":
                assert len(ln.refs) == ln.n, ln
                if ln.ok is not None and ln.refs and all(r.ok is not None for r in ln.refs):
                    assert sum(1 for r in ln.refs if r.ok) == ln.ok, ln
    assert any(ln.refs for s in listed.values() for ln in s.lines)


def test_message_and_question_answer_times(year):
    """The weighted preset's time lines: a proposer's message answered in 30 hours and a question
    in 60 hours. Messages: full (3) at 24 hours or less, none at 120: 3 × (120 - 30) / 96 = 2.81.
    Questions: full (2) at 48 or less, none at 240: 2 × (240 - 60) / 192 = 1.875, 1.88."""
    import datetime

    from banli.proposals import actions as item_actions
    from banli.proposals.models import Message, Question

    w = year
    W = w.world
    w2 = w.items["w2"]
    m = item_actions.post_message(W.member, w2.pk, body="请问何时落实？", to_unit_id=W.lead_unit.pk)
    item_actions.post_message(W.lead_liaison, w2.pk, body="本月内落实。", reply_to_id=m.pk)
    q = item_actions.ask_question(W.member, subject="停车", body="停车位何时增加？", to_unit_id=W.lead_unit.pk)
    item_actions.answer_question(W.lead_liaison, q.pk, answer="明年一季度。")
    m.refresh_from_db()
    assert m.answered_at is not None
    Message.objects.filter(pk=m.pk).update(at=m.answered_at - datetime.timedelta(hours=30))
    q.refresh_from_db()
    Question.objects.filter(pk=q.pk).update(asked_at=q.answered_at - datetime.timedelta(hours=60))
    scheme = actions.create_scheme(W.gov_office, w.year, preset="weighted")
    L = _by_name(w, standings(scheme))["L"]
    lines = {ln.name: ln for ln in L.lines}
    assert (lines["留言答复时效"].points, lines["留言答复时效"].figure) == (D("2.81"), "答复留言 1 条，平均 30.0 小时")
    assert (lines["有问必答时效"].points, lines["有问必答时效"].figure) == (D("1.88"), "答复提问 1 条，平均 60.0 小时")
