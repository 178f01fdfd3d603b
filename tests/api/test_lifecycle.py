"""One item through its whole life over the REST API, each role acting in turn with its own
credentials: draft → co-sign → register → assign → sign → co-opinion → consultation → type C
reply approved by unit and district leader → 差/不同意 → re-handling → type A reply → 好 →
progress → closure report → closed → published."""

import datetime

import pytest
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.org.models import Unit

pytestmark = pytest.mark.django_db


def client_for(user, *, token=False):
    c = APIClient()
    if token:
        user.set_password("lifecycle-pw-1")
        user.save()
        r = APIClient().post("/api/token/", {"username": user.username, "password": "lifecycle-pw-1"}, format="json")
        assert r.status_code == 200, r.content
        c.credentials(HTTP_AUTHORIZATION="Token " + r.json()["token"])
    else:
        c.force_login(user)
    return c


def act(client, item_id, action, expect=200, **data):
    r = client.post(f"/api/items/{item_id}/actions/{action}/", data, format="json")
    assert r.status_code == expect, (action, r.status_code, r.content.decode())
    return r.json()


def allowed(detail):
    return {a["action"] for a in detail["actions"]}


def test_whole_life_through_the_api(member, cosigner, cppcc_office, gov_office, lead_liaison, lead_head, co_liaison, district_leader):
    today = datetime.date.today()
    lead_unit = Unit.objects.get(liaisons__user=lead_liaison)
    co_unit = Unit.objects.get(liaisons__user=co_liaison)
    m = client_for(member, token=True)  # token authentication for the proposer
    cat = m.get("/api/categories/?assembly=cppcc").json()[0]["id"]

    # 1. The member drafts, invites a co-signer found by name, who confirms; the member submits.
    r = m.post("/api/items/", {"title": "关于加快老旧小区加装电梯的提案", "reason": "老旧小区老年人多，上下楼难。",
                               "suggestions": "一是简化审批；二是给予补贴。", "category": cat, "consent_publish": True}, format="json")
    assert r.status_code == 201, r.content
    item = r.json()
    iid = item["id"]
    assert item["state"] == "draft" and "submit" in allowed(item)
    found = m.get("/api/people/", {"q": cosigner.people.get().name[:2], "assembly": "cppcc"}).json()
    assert cosigner.people.get().pk in [p["id"] for p in found]
    assert "phone" not in found[0]  # the picker never shows contact data
    act(m, iid, "invite_cosigners", person_ids=[cosigner.people.get().pk])
    c = client_for(cosigner)
    d = act(c, iid, "respond_cosign", confirm=True)
    assert d["cosigners"][0]["state"] == "confirmed"
    d = act(m, iid, "submit")
    assert d["state"] == "submitted"

    # 2. The assembly office registers it with the session's next number.
    office_c = client_for(cppcc_office)
    d = act(office_c, iid, "register")
    assert d["state"] == "registered" and d["number"] == 1 and d["display_number"] == "第0001号"

    # 3. The government office assigns a lead and a co-handling unit; both sign.
    g = client_for(gov_office)
    d = act(g, iid, "assign", lead=lead_unit.pk, co=[co_unit.pk], note="请按时办理")
    assert d["state"] == "assigned"
    lead_a = next(a["id"] for a in d["assignments"] if a["role"] == "lead")
    co_a = next(a["id"] for a in d["assignments"] if a["role"] == "co")
    assert d["assignments"][0]["reply_due"]
    L, LH, C, DL = client_for(lead_liaison), client_for(lead_head), client_for(co_liaison), client_for(district_leader)
    act(L, iid, "sign", assignment=lead_a)
    d = act(C, iid, "sign", assignment=co_a)
    assert d["state"] == "handling"

    # 4. The co-handling unit sends its opinion; 5. the lead unit meets the proposer and drafts a C reply.
    act(C, iid, "send_co_opinion", assignment=co_a, text="建议结合城市更新统筹推进。")
    act(L, iid, "record_consultation", assignment=lead_a, kind="before", form="visit", held_on=str(today),
        participants="局长、委员本人", proposer_views="希望尽快落实")
    d = act(L, iid, "draft_reply", assignment=lead_a, reply_type="C", body="经研究，留作参考。", signatory="张局长",
            contact_person="李科长", reference_reason="涉及资金尚未落实")
    assert d["replies"][0]["state"] == "draft"
    # The proposer and the co-handling unit do not see the lead unit's draft.
    assert m.get(f"/api/items/{iid}/").json()["replies"] == []
    assert C.get(f"/api/items/{iid}/").json()["replies"] == []
    act(L, iid, "submit_reply", assignment=lead_a)

    # 6. Unit leader, then district leader (type C), approve; the liaison sends it.
    d = act(LH, iid, "approve_reply", assignment=lead_a)
    assert d["replies"][0]["state"] == "pending_leader"
    act(L, iid, "send_reply", assignment=lead_a, expect=409)  # not yet approved by the district leader
    d = act(DL, iid, "leader_approve_reply", assignment=lead_a, comment="同意")
    assert d["replies"][0]["state"] == "approved"
    d = act(L, iid, "send_reply", assignment=lead_a)
    assert d["state"] == "replied" and d["reply_type"] == "C"
    reply1 = d["replies"][0]["id"]

    # 7. The proposer rates it 差 and 不同意: re-handling.
    d = m.get(f"/api/items/{iid}/").json()
    assert "give_feedback" in allowed(d)
    d = act(m, iid, "give_feedback", reply_id=reply1, grade="poor", agrees=False, comment="答复敷衍", co_grades={str(co_unit.pk): "average"})
    assert d["state"] == "rehandling"

    # 8. The unit contacts the proposer again and replies with type A.
    act(L, iid, "record_consultation", assignment=lead_a, kind="during", form="meeting", held_on=str(today), participants="分管副局长、委员")
    act(L, iid, "draft_reply", assignment=lead_a, reply_type="A", body="已列入年度实施项目并完成。", signatory="张局长", contact_person="李科长")
    act(L, iid, "submit_reply", assignment=lead_a)
    d = act(LH, iid, "approve_reply", assignment=lead_a)
    assert d["replies"][-1]["state"] == "approved"  # type A needs no district-leader approval
    d = act(L, iid, "send_reply", assignment=lead_a)
    assert d["state"] == "replied" and d["reply_type"] == "A"
    reply2 = d["replies"][-1]["id"]
    assert d["replies"][-1]["round"] == 2

    # 9. The proposer rates it 好.
    d = act(m, iid, "give_feedback", reply_id=reply2, grade="good", agrees=True, praise=True)
    assert d["state"] == "evaluated"

    # 10. Progress, closure report, approval by the unit leader: closed. The office publishes it.
    act(L, iid, "report_progress", assignment=lead_a, text="电梯已安装3部")
    act(L, iid, "file_closure_report", assignment=lead_a, text="全部完成", done_on=str(today))
    d = act(LH, iid, "approve_closure_report", assignment=lead_a)
    assert d["state"] == "closed" and d["closed_at"]
    d = act(g, iid, "decide_publication", publish=True)
    assert d["publication"] == "published"

    # The history holds every step in order, each with its actor.
    steps = list(AuditRecord.objects.filter(item_id=iid).values_list("action", flat=True))
    for expected in ["create_draft", "invite_cosigners", "respond_cosign", "submit", "register", "assign", "sign", "send_co_opinion",
                     "record_consultation", "draft_reply", "submit_reply", "approve_reply", "leader_approve_reply", "send_reply",
                     "give_feedback", "report_progress", "file_closure_report", "approve_closure_report", "decide_publication"]:
        assert expected in steps, expected
    assert steps.index("register") < steps.index("assign") < steps.index("send_reply") < steps.index("approve_closure_report")
    history = g.get(f"/api/items/{iid}/").json()["history"]
    assert [h["action"] for h in history] == steps
    assert all(h["actor"] for h in history)
