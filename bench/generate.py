"""Bench data: N items with full, consistent histories, written by bulk_create in batches.

Not through the action functions (too slow at 100k), but every row an action would write is
written here, with the same fields and the same audit action names, so the item's state agrees
with its rows: a closed item has its sent reply, its feedback or approved closure report, a
replied_at and a closed_at; a handling item has every unit signed; numbers are unique per session
and Session.last_number is kept up to date.

Beside the items it writes what the pages read: each item's deadline rows and overdue events (as
banli.deadlines.sync would, computed by its own specs after each batch is inserted), in-app
notifications, message read marks, and Q&A questions with their answer deadlines. The people
the page benchmark logs in as get realistic work: a featured member (bench_p0001) files a share
of the current CPPCC session, so has drafts, co-sign invitations, replies to rate and unread
messages; the busiest unit's liaison and head, its district leader (with key items and replies
awaiting the leader), the offices (submissions, pending withdrawal requests, questions).

It streams: items are planned, inserted and dropped batch by batch (one transaction per batch),
so memory stays flat whatever N is. Meant for an empty (freshly migrated) database.

    from bench.generate import generate
    summary = generate(100_000, seed=1, batch=2000)
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import sys
import time
from bisect import bisect_right
from collections import deque
from contextlib import contextmanager
from itertools import accumulate

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline, OverdueEvent
from banli.notify.models import Notification
from banli.org.models import (
    Assembly, Category, FeedbackGrade, Person, ReplyType, Session, SessionPolicy, StaffRole, Term, Unit, UnitKind, UnitLiaison,
)
from banli.proposals.models import (
    AdjustmentRequest, Assignment, Attachment, ClosureReport, Consultation, CoOpinion, CoSigner, CoUnitGrade,
    ExtensionRequest, Feedback, Item, ItemState, KeyItemMark, LeaderInstruction, Mediation, Message, MessageReadMark,
    ProgressUpdate, Publication, PublicationRecord, Question, Reply, ReplyApproval, Side, UrgeNotice,
)

S = ItemState
USER_PREFIX = "bench_"
GOV_USERNAME = "bench_gov"
ASSEMBLY_OFFICE_USERNAME = {Assembly.CPPCC: "bench_cppcc_office", Assembly.NPC: "bench_npc_office"}

# The state mix. Old sessions are mostly closed; the current one has every state.
OLD_MIX = [(S.CLOSED, 86), (S.EVALUATED, 4), (S.NOT_REGISTERED, 3), (S.MERGED, 2.5), (S.CONVERTED, 2), (S.WITHDRAWN, 2.5)]
CURRENT_MIX = [
    (S.DRAFT, 3), (S.SUBMITTED, 7), (S.REGISTERED, 5), (S.ASSIGNED, 8), (S.HANDLING, 24), (S.REPLIED, 14),
    (S.EVALUATED, 10), (S.REHANDLING, 4), (S.CLOSED, 14), (S.NOT_REGISTERED, 3), (S.MERGED, 3), (S.CONVERTED, 2.5),
    (S.WITHDRAWN, 2.5),
]
# Each current session starts with one item of every state, so small runs still have them all.
GUARANTEED = [S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED, S.DRAFT, S.SUBMITTED,
              S.NOT_REGISTERED, S.MERGED, S.CONVERTED, S.WITHDRAWN]
# The featured member (the first CPPCC person, bench_p0001) files the guaranteed items of the current
# CPPCC session and this share of the rest of it; this share of the others' drafts there invites them.
MEMBER_SHARE = 0.01
MEMBER_INVITED = 0.5
WITHDRAWAL_PENDING = 0.03  # registered/assigned/handling items of the current session with a pending request
NUMBERED_LIVE = {S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED}

# ---------------------------------------------------------------------------------------------
# Text material

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建平刚桂兰玉萍红霞鹏辉玲宇浩凯健俊帆欣鑫晨阳海波宁琳颖雪梅斌飞彬亮峰云霞志文博涵思远嘉怡子豪梓睿一诺"
CPPCC_SECTORS = ["中共", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "无党派人士", "共青团", "工商联",
                 "经济界", "教育界", "科技界", "文化艺术界", "医药卫生界", "体育界", "社会福利和社会保障界", "特邀"]
NPC_SECTORS = ["城东代表团", "城西代表团", "城南代表团", "城北代表团", "新华代表团", "人民代表团", "和平代表团", "东湖代表团"]
PARTIES = ["中共党员", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "无党派", "群众"]
COLLECTIVES = {
    Assembly.CPPCC: ["民革区委", "民盟区委", "民建区委", "民进区委", "农工党区委", "致公党区委", "九三学社区委", "区工商联",
                     "经济界别", "教育界别", "医药卫生界别", "提案委员会"],
    Assembly.NPC: ["城东代表团", "城西代表团", "城南代表团", "城北代表团", "新华代表团", "人民代表团"],
}
EMPLOYERS = ["区第一人民医院", "区实验中学", "某科技有限公司", "区中心小学", "某律师事务所", "某商贸集团", "区社区卫生服务中心",
             "某建筑设计院", "区图书馆", "某物流公司", "某街道社区居委会", "某会计师事务所", "区职业技术学校", "某农业合作社"]
BUREAUS = ["区发展改革委", "区教育局", "区科委", "区民政局", "区财政局", "区人社局", "区规划资源局", "区生态环境局", "区建设管理委",
           "区交通委", "区农业农村委", "区水务局", "区商务委", "区文化旅游局", "区卫生健康委", "区应急管理局", "区市场监管局",
           "区体育局", "区统计局", "区医保局", "区绿化市容局", "区房管局", "区城管执法局", "区退役军人事务局", "区司法局",
           "区公安分局", "区审计局", "区国资委", "区民族宗教办", "区信访办", "区科协", "区残联", "区妇联", "团区委", "区总工会",
           "区税务局", "区消防救援支队", "区大数据中心", "区机关事务管理局", "区投资促进办"]
TOWNS = ["城东街道", "城西街道", "城南街道", "城北街道", "新华街道", "人民街道", "和平街道", "东湖街道", "西山镇", "南桥镇",
         "北塘镇", "金山镇", "青龙镇", "白鹤镇", "临江镇"]
OTHERS = ["区供电公司", "区自来水公司", "区燃气公司", "区公交公司", "区电信分公司"]
TOPICS = ["老旧小区加装电梯", "社区养老服务设施", "中小学课后服务", "背街小巷环境整治", "公共停车资源挖潜", "垃圾分类长效管理",
          "菜市场标准化改造", "公交线路优化", "学前教育资源配置", "社区卫生服务能力", "河道水环境治理", "非机动车停放管理",
          "夜间经济发展", "小微企业融资服务", "农村人居环境整治", "城市更新中历史风貌保护", "新能源汽车充电设施", "智慧社区建设",
          "青年人才公寓供给", "残疾人无障碍设施", "食品安全社会共治", "校园周边交通安全", "全民健身场地", "基层医疗人才队伍",
          "政务服务一网通办", "口袋公园建设", "防汛排涝能力", "社区嵌入式服务", "乡村旅游发展", "家政服务规范化"]
PHRASES = ["近年来我区在该领域做了大量工作，取得了一定成效。", "但与群众的期待相比仍有差距，主要表现在以下几个方面：",
           "一是统筹规划不足，各部门职责边界不够清晰；", "二是投入保障不够稳定，资金使用效益有待提高；",
           "三是基层力量薄弱，专业人员缺乏，服务质量参差不齐；", "四是信息化水平不高，数据共享和业务协同不畅；",
           "五是群众参与渠道有限，意见反映和反馈机制不健全。", "经调研走访多个街镇和社区，群众对此反映较为集中。",
           "兄弟区县已有较为成熟的做法可资借鉴。", "这一问题关系民生福祉，亟需系统研究、分类施策。"]
SUGGESTS = ["建议由牵头部门制定专项工作方案，明确任务分工和时间节点。", "建议加大财政投入，建立稳定的经费保障机制。",
            "建议加强部门协同，建立联席会议制度，定期会商解决难点问题。", "建议完善考核评价办法，将工作成效纳入绩效考核。",
            "建议引入社会力量参与，探索政府购买服务的方式。", "建议建设统一的信息平台，实现数据共享、一网统管。",
            "建议加强宣传引导，畅通群众参与和监督渠道。", "建议选取若干街镇先行试点，总结经验后全区推广。"]
REPLY_LINES = ["贵委员/代表提出的建议对我们改进工作很有帮助，现答复如下：", "一、关于统筹推进的问题。我单位已会同相关部门制定了工作方案。",
               "二、关于经费保障的问题。已将相关经费纳入年度预算统筹安排。", "三、关于部门协同的问题。已建立联席会议机制，每季度会商一次。",
               "四、下一步工作。我们将认真吸纳您的意见，持续跟踪推进，并及时向您反馈进展。", "感谢您对我区工作的关心和支持。"]


def _text(rng, lines, lo, hi):
    return "".join(rng.sample(lines, rng.randint(lo, min(hi, len(lines)))))


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


# ---------------------------------------------------------------------------------------------
# Setup: reference data, people, units, sessions


def _ensure_reference():
    """Reply types, grades and categories: from banli.demo.reference when it exists, else ours."""
    try:
        from banli.demo.reference import load_reference_data
    except ImportError:
        load_reference_data = None
    if load_reference_data is not None:
        load_reference_data()
    closures = set(ReplyType.objects.filter(active=True).values_list("closure", flat=True))
    if not {ReplyType.Closure.REPORT, ReplyType.Closure.PLAN, ReplyType.Closure.FEEDBACK} <= closures:
        for code, name, name_en, extra in [
            ("A", "解决或采纳", "solved or adopted", {"closure": ReplyType.Closure.REPORT, "progress_every_months": 1, "position": 1}),
            ("B", "列入计划拟解决", "planned", {"closure": ReplyType.Closure.PLAN, "needs_planned_date": True, "progress_every_months": 3, "position": 2}),
            ("C", "留作参考", "for reference", {"closure": ReplyType.Closure.FEEDBACK, "needs_reason": True, "needs_leader_approval": True, "position": 3}),
        ]:
            ReplyType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, **extra})
    grades = list(FeedbackGrade.objects.all())
    if not any(g.sends_to_rehandling for g in grades) or not any(not g.sends_to_rehandling for g in grades):
        for pos, (code, name, name_en, score, bad) in enumerate([
            ("good", "好", "good", 100, False), ("fair", "较好", "fairly good", 80, False),
            ("average", "一般", "average", 60, False), ("poor", "差", "poor", 0, True),
        ]):
            FeedbackGrade.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "score": score,
                                                                     "sends_to_rehandling": bad, "position": pos})
    subs = {"经济": ["产业发展", "营商环境", "财政金融"], "城市建设和管理": ["交通出行", "市容环境", "住房保障"],
            "教科文卫体": ["教育", "医疗卫生", "文化体育"], "综合": ["社会治理", "民政服务", "其他"]}
    for assembly in Assembly.values:
        if Category.objects.filter(assembly=assembly, active=True).exists():
            continue
        for pos, (top_name, children) in enumerate(subs.items()):
            top, _ = Category.objects.get_or_create(assembly=assembly, parent=None, name=top_name, defaults={"position": pos})
            for cpos, child in enumerate(children):
                Category.objects.get_or_create(assembly=assembly, parent=top, name=child, defaults={"position": cpos})


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class _Org:
    """Ids of everything an item refers to; plain values only, so batches hold no ORM objects."""


def _make_org(rng, n_units=60, n_people=500) -> _Org:
    User = get_user_model()
    if User.objects.filter(username=GOV_USERNAME).exists():
        raise RuntimeError("bench data already present: bench.generate expects an empty, migrated database")
    org = _Org()
    users = []

    def user(username, full_name):
        u = User(username=username, first_name=full_name, password="!", is_active=True)
        users.append(u)
        return u

    gov = [user(GOV_USERNAME, "区府办督查科"), user("bench_gov2", _name(rng))]
    offices = {a: user(ASSEMBLY_OFFICE_USERNAME[a], "区政协提案委" if a == Assembly.CPPCC else "区人大代表工委") for a in Assembly.values}
    leaders = [user(f"bench_leader{i:02d}", _name(rng) + "副区长") for i in range(1, 9)]
    names = BUREAUS + TOWNS + OTHERS
    kinds = [UnitKind.BUREAU] * len(BUREAUS) + [UnitKind.TOWN] * len(TOWNS) + [UnitKind.OTHER] * len(OTHERS)
    unit_specs = []
    for i in range(n_units):
        name = names[i] if i < len(names) else f"区承办单位{i + 1:03d}"
        head = user(f"bench_u{i + 1:02d}_head", _name(rng))
        liaison = user(f"bench_u{i + 1:02d}_liaison", _name(rng))
        old = user(f"bench_u{i + 1:02d}_liaison_old", _name(rng)) if rng.random() < 0.3 else None
        unit_specs.append((name, kinds[i] if i < len(kinds) else UnitKind.OTHER, head, liaison, old))
    people_specs = []
    for i in range(n_people):
        assembly = Assembly.CPPCC if i < n_people * 3 // 5 else Assembly.NPC
        collective = rng.random() < 0.03 and i > 0  # the first is the featured member
        pname = rng.choice(COLLECTIVES[assembly]) if collective else _name(rng)
        people_specs.append((assembly, collective, pname, user(f"bench_p{i + 1:04d}", pname)))
    User.objects.bulk_create(users, batch_size=500)

    StaffRole.objects.bulk_create(
        [StaffRole(user=u, kind=StaffRole.Kind.GOV_OFFICE, title="督查科") for u in gov]
        + [StaffRole(user=u, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=a) for a, u in offices.items()]
        + [StaffRole(user=u, kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长") for u in leaders]
    )
    units = Unit.objects.bulk_create([
        Unit(name=name, short_name=name.replace("区", "", 1)[:20], kind=kind, leader=head, supervising_leader=leaders[i % len(leaders)],
             phone=f"021-{5000_0000 + i * 17:08d}")
        for i, (name, kind, head, _, _) in enumerate(unit_specs)
    ])
    today = timezone.localdate()
    liaisons = []
    for unit, (_, _, _, liaison, old) in zip(units, unit_specs):
        if old is not None:
            liaisons.append(UnitLiaison(unit=unit, user=old, started_on=today - dt.timedelta(days=2000), ended_on=today - dt.timedelta(days=400)))
            liaisons.append(UnitLiaison(unit=unit, user=liaison, started_on=today - dt.timedelta(days=399)))
        else:
            liaisons.append(UnitLiaison(unit=unit, user=liaison, started_on=today - dt.timedelta(days=2500)))
    UnitLiaison.objects.bulk_create(liaisons)
    people = Person.objects.bulk_create([
        Person(assembly=a, user=u, is_collective=coll, name=pname,
               sector=rng.choice(CPPCC_SECTORS if a == Assembly.CPPCC else NPC_SECTORS), party="" if coll else rng.choice(PARTIES),
               employer="" if coll else rng.choice(EMPLOYERS), phone=f"139{rng.randint(0, 99999999):08d}", address=f"本区某路{rng.randint(1, 999)}号")
        for a, coll, pname, u in people_specs
    ])

    org.gov_ids = [u.pk for u in gov]
    org.office_id = {a: u.pk for a, u in offices.items()}
    org.leader_ids = [u.pk for u in leaders]
    org.units = [
        {"id": unit.pk, "name": unit.name, "leader": head.pk, "leader_name": head.first_name, "liaison": liaison.pk,
         "liaison_name": liaison.first_name, "sup": unit.supervising_leader_id}
        for unit, (_, _, head, liaison, _) in zip(units, unit_specs)
    ]
    # A few units get most of the work (Zipf-like), as in any district.
    org.unit_cum = list(accumulate(1 / (r + 1) ** 0.8 for r in range(len(org.units))))
    org.people = {a: [(p.pk, p.user_id, p.name) for p in people if p.assembly == a] for a in Assembly.values}
    org.member = org.people[Assembly.CPPCC][0]
    org.unit_by_id = {u["id"]: u for u in org.units}
    org.categories = {a: list(Category.objects.filter(assembly=a, active=True).values_list("id", flat=True)) for a in Assembly.values}
    types = list(ReplyType.objects.filter(active=True))
    org.rtype = {c: next(t for t in types if t.closure == c) for c in ReplyType.Closure.values}
    grades = list(FeedbackGrade.objects.all())
    org.good_grades = [g.pk for g in grades if not g.sends_to_rehandling]
    org.bad_grades = [g.pk for g in grades if g.sends_to_rehandling]
    return org


def _make_sessions(n_items, now):
    """Sessions of both assemblies over the years, oldest first, with the count of items each gets."""
    n_sessions = max(4, min(20, round(n_items / 5000)))
    per_assembly = n_sessions // 2
    year_now = now.year
    Session.objects.filter(is_current=True).update(is_current=False)
    sessions = []
    for k in range(per_assembly - 1, -1, -1):
        year = year_now - k
        for assembly in Assembly.values:
            t_ord = (year - 2002) // 5 + 1
            s_ord = (year - 2002) % 5 + 1
            start = dt.date(2002 + 5 * (t_ord - 1), 1, 1)
            term, _ = Term.objects.get_or_create(
                assembly=assembly, ordinal=t_ord,
                defaults={"name": f"第{_cn(t_ord)}届", "starts_on": start, "ends_on": None if year_now < start.year + 5 else start.replace(year=start.year + 5) - dt.timedelta(days=1)},
            )
            current = k == 0
            opens = (now - dt.timedelta(days=200)).date() if current else dt.date(year, 1, 10)
            session, _ = Session.objects.get_or_create(
                term=term, ordinal=s_ord, defaults={"name": f"第{_cn(s_ord)}次会议", "year": year, "opens_on": opens, "is_current": current},
            )
            if current and not session.is_current:
                session.is_current = True
                session.save(update_fields=["is_current"])
            sessions.append(session)
    base, extra = divmod(n_items, len(sessions))
    counts = [base + (1 if i >= len(sessions) - extra else 0) for i in range(len(sessions))]
    if n_items >= 60_000:
        # The yearly report is measured on a 6,000-item session inside the whole database: the
        # current CPPCC session (the last but one: sessions go oldest first, CPPCC before NPC).
        rest, more = divmod(n_items - 6000, len(sessions) - 1)
        counts = [rest + (1 if i < more else 0) for i in range(len(sessions) - 1)]
        counts.insert(len(sessions) - 2, 6000)
    return sessions, counts


# ---------------------------------------------------------------------------------------------
# Historical timestamps: bulk_create would stamp auto_now/auto_now_add fields with "now".


@contextmanager
def _historical_timestamps():
    patched = []
    for model in apps.get_app_config("proposals").get_models():
        patched += [f for f in model._meta.concrete_fields if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)]
    for model in (AuditRecord, Notification):
        patched += [f for f in model._meta.concrete_fields if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in patched]
    for f in patched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now_, add in saved:
            f.auto_now, f.auto_now_add = now_, add


@contextmanager
def _wide_sqlite_inserts():
    """SQLite allows 32766 parameters per statement since 3.32; Django assumes 999. Fewer, wider
    INSERTs make the load several times faster."""
    feats = connection.features
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    try:
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except Exception:  # noqa: BLE001 - old sqlite module: keep Django's default
        limit = 999
    had = "max_query_params" in feats.__dict__
    old = feats.__dict__.get("max_query_params")
    feats.max_query_params = max(999, min(limit, 32766))
    try:
        yield
    finally:
        if had:
            feats.max_query_params = old
        else:
            del feats.max_query_params


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# ---------------------------------------------------------------------------------------------
# The item planner

INSERT_ORDER = [
    CoSigner, Assignment, Consultation, PublicationRecord, KeyItemMark, LeaderInstruction, Mediation, UrgeNotice, Attachment,
    "root_messages", "suggested", CoOpinion, AdjustmentRequest, ExtensionRequest, Reply, ProgressUpdate, ClosureReport,
    "answer_messages", ReplyApproval, Feedback, CoUnitGrade,
]


class _Batch:
    def __init__(self):
        self.items = []
        self.merged = []
        self.rows = {k: [] for k in INSERT_ORDER}
        self.audits = []  # (AuditRecord, target object or None)
        self.notes = []  # Notification rows (item set later)
        self.reads = []  # (item, user id, the last message read)

    def add(self, key, obj):
        self.rows[key].append(obj)
        return obj


# In-app notifications the planner writes beside the audit row of these actions (the main ones;
# "assign" and "post_message" pick their recipients from the audit row).
NOTIFIED = {
    "submit": lambda p: [p.org.office_id[p.it.assembly]],
    "register": lambda p: [p.proposer_uid],
    "assign": None,
    "post_message": None,
    "send_reply": lambda p: [p.proposer_uid],
    "approve_closure_report": lambda p: [p.proposer_uid],
    "request_withdrawal": lambda p: [p.org.office_id[p.it.assembly]],
}
NOTIFY_TEXT = {"submit": "新提交待审查", "register": "已立案", "assign": "新交办，请在规定时限内签收", "post_message": "新留言",
               "send_reply": "承办单位已答复，请评价", "approve_closure_report": "已办结", "request_withdrawal": "申请撤回"}


class _SessionCtx:
    def __init__(self, session, is_current, now):
        self.session = session
        self.is_current = is_current
        self.number = session.last_number
        self.pool = deque(maxlen=64)  # registered-or-later items: targets for merging
        self.open_dt = dt.datetime.combine(session.opens_on, dt.time(9, 0), tzinfo=dt.timezone.utc)
        self.scale = 0.55 if is_current else 1.0
        self.limit = now - dt.timedelta(hours=1)


class _Planner:
    def __init__(self, org, rng, now):
        self.org, self.rng, self.now = org, rng, now
        self.today = now.date()
        self.member_unread = False  # the featured member has an answer they have not read yet

    # -- small helpers
    def after(self, t, lo, hi):
        """A moment lo..hi days after t (scaled in the current session, never in the future)."""
        return min(t + dt.timedelta(days=self.rng.uniform(lo, hi) * self.sc.scale), self.sc.limit)

    def audit(self, actor, action, target=None, at=None, before=None, after=None, note=""):
        rec = AuditRecord(at=at, actor_id=actor, action=action, item=self.it, before=before or {}, after=after or {}, note=note)
        self.b.audits.append((rec, target))
        if at > self.last:
            self.last = at
        if action in NOTIFIED:
            self._notify(action, at, after or {})

    def _notify(self, action, at, after):
        """The in-app rows the action would have written (the main ones), for the last 90 days only:
        older ones are all read, and the pages count only unread rows (index recipient, read_at)."""
        if at < self.now - dt.timedelta(days=90):
            return
        org, it = self.org, self.it
        if action == "assign":
            users = [x for uid, _ in after["assignments"] for x in (org.unit_by_id[uid]["liaison"], org.unit_by_id[uid]["leader"])]
        elif action == "post_message":
            if after.get("side") == Side.PROPOSER:
                unit = org.unit_by_id.get(after.get("to_unit"))
                users = [unit["liaison"], unit["leader"]] if unit else [org.gov_ids[0]]
            else:
                users = [self.proposer_uid]
        else:
            users = NOTIFIED[action](self)
        text = f"{NOTIFY_TEXT[action]}：{it.title}"[:300]
        for uid in dict.fromkeys(users):
            unread = at > self.now - dt.timedelta(days=30) and self.rng.random() < 0.5
            read_at = None if unread else min(at + dt.timedelta(hours=self.rng.uniform(0.5, 72)), self.now)
            self.b.notes.append(Notification(recipient_id=uid, kind=action, item=it, text=text, created_at=at, read_at=read_at))

    def pick_units(self, k, exclude=()):
        org, rng = self.org, self.rng
        chosen = []
        while len(chosen) < k:
            u = org.units[bisect_right(org.unit_cum, rng.random() * org.unit_cum[-1])]
            if u["id"] not in exclude and u not in chosen:
                chosen.append(u)
        return chosen

    def weighted(self, mix):
        states, cum = mix
        return states[bisect_right(cum, self.rng.random() * cum[-1])]

    # -- the item
    def plan(self, batch, sc, state, seq, featured=""):
        """featured: "member" (the featured member files it), "invite" (a draft inviting them), or ""."""
        self.b, self.sc = batch, sc
        rng, org = self.rng, self.org
        session = sc.session
        a = session.assembly
        member_session = a == Assembly.CPPCC and sc.is_current
        if featured == "member" or (member_session and not featured and rng.random() < MEMBER_SHARE):
            person_id, proposer_uid, _ = org.member
        else:
            person_id, proposer_uid, _ = rng.choice([p for p in org.people[a] if p != org.member] if featured == "invite" else org.people[a])
        self.proposer_uid = proposer_uid
        self.invite_member = member_session and state == S.DRAFT and person_id != org.member[0] and (
            featured == "invite" or rng.random() < MEMBER_INVITED)
        t = min(sc.open_dt + dt.timedelta(days=rng.uniform(-25, 8)), sc.limit - dt.timedelta(days=1))
        self.last = t
        topic = rng.choice(TOPICS)
        word = "提案" if a == Assembly.CPPCC else "建议"
        it = self.it = Item(
            assembly=a, session_id=session.pk, title=f"关于{rng.choice(('加强', '推进', '完善', '优化', '加快'))}{topic}的{word}",
            reason=_text(rng, PHRASES, 4, 8), suggestions=_text(rng, SUGGESTS, 3, 6), category_id=rng.choice(org.categories[a]),
            proposer_id=person_id, consent_publish=rng.choices((True, False, None), (70, 15, 15))[0], urgent=rng.random() < 0.03,
            state=state, created_at=t,
        )
        self.audit(proposer_uid, "create_draft", at=t, after={"title": it.title, "session": session.pk})
        if rng.random() < 0.4:
            for u in self.pick_units(rng.choice((1, 1, 2))):
                batch.add("suggested", (it, u["id"]))
        if rng.random() < 0.1:
            batch.add(Attachment, Attachment(item=it, file=f"attachments/bench/{seq}.pdf", name="调研报告.pdf", size=rng.randint(40_000, 3_000_000),
                                             content_type="application/pdf", by_id=proposer_uid, at=self.after(t, 0, 2)))
        self._cosigners(t, state)
        if state == S.DRAFT:
            return self._finish()
        ts = self.after(t, 0.2, 6)
        it.submitted_at = ts
        self.audit(proposer_uid, "submit", at=ts, before={"state": S.DRAFT}, after={"state": S.SUBMITTED})
        if it.consent_publish is not None and rng.random() < 0.3:
            tc = self.after(ts, 0, 3)
            batch.add(PublicationRecord, PublicationRecord(item=it, kind=PublicationRecord.Kind.CONSENT, consent=it.consent_publish, by_id=proposer_uid, at=tc))
            self.audit(proposer_uid, "set_publication_consent", at=tc, before={"consent_publish": None}, after={"consent_publish": it.consent_publish})
        office = org.office_id[a]
        if state == S.SUBMITTED:
            self._messages(ts, None)
            return self._finish()
        if state == S.WITHDRAWN and rng.random() < 0.7:
            tw = self.after(ts, 0.5, 8)
            it.state_reason = "经再次调研，问题已在推进中，申请撤回。"
            self.audit(proposer_uid, "withdraw", at=tw, before={"state": S.SUBMITTED}, after={"state": S.WITHDRAWN}, note=it.state_reason)
            return self._finish()
        tr = self.after(ts, 2, 14)
        if state == S.NOT_REGISTERED:
            it.state_reason = rng.choice(("内容属于个人诉求，不宜作为提案/建议。", "涉及司法个案，不予立案。", "建议事项不明确，不符合立案标准。"))
            self.audit(office, "reject", at=tr, before={"state": S.SUBMITTED}, after={"state": S.NOT_REGISTERED}, note=it.state_reason)
            return self._finish()
        if state == S.CONVERTED:
            it.converted_to = rng.choice(("意见建议", "社情民意"))
            it.state_reason = "内容更适宜作为" + it.converted_to + "处理。"
            self.audit(office, "convert", at=tr, before={"state": S.SUBMITTED}, after={"state": S.CONVERTED, "converted_to": it.converted_to}, note=it.state_reason)
            return self._finish()
        if state == S.MERGED:
            target = rng.choice(sc.pool)
            it.merged_into = target
            it.state_reason = "与同类提案/建议并案办理。"
            self.audit(office, "merge", at=tr, before={"state": S.SUBMITTED}, after={"state": S.MERGED, "merged_into": target}, note=it.state_reason)
            return self._finish(merged=True)
        # Registered: numbered in this session.
        sc.number += 1
        it.number, it.registered_at = sc.number, tr
        self.audit(office, "register", at=tr, before={"state": S.SUBMITTED}, after={"state": S.REGISTERED, "number": it.number})
        if state != S.WITHDRAWN:
            sc.pool.append(it)
        if state != S.WITHDRAWN and rng.random() < 0.04:
            self._key(tr)
        if state == S.WITHDRAWN:
            tq = self.after(tr, 1, 10)
            it.withdrawal_reason = it.state_reason = "相关问题已通过其他渠道解决，申请撤回。"
            self.audit(proposer_uid, "request_withdrawal", at=tq, after={"withdrawal_requested": True}, note=it.withdrawal_reason)
            td = self.after(tq, 1, 5)
            self.audit(office, "decide_withdrawal", at=td, before={"state": S.REGISTERED}, after={"state": S.WITHDRAWN, "approved": True})
            return self._finish()
        if state == S.REGISTERED:
            self._messages(tr, None)
        else:
            self._handle(state, tr)
        if state in (S.REGISTERED, S.ASSIGNED, S.HANDLING) and sc.is_current and rng.random() < WITHDRAWAL_PENDING:
            # A withdrawal request the assembly office has not decided yet.
            tq = self.after(self.last, 0.5, 5)
            it.withdrawal_requested, it.withdrawal_reason = True, "相关问题已基本解决，申请撤回。"
            self.audit(proposer_uid, "request_withdrawal", at=tq, after={"withdrawal_requested": True}, note=it.withdrawal_reason)
        return self._finish()

    def _finish(self, merged=False):
        self.it.updated_at = self.last
        (self.b.merged if merged else self.b.items).append(self.it)

    def _cosigners(self, t, state):
        rng, org, it = self.rng, self.org, self.it
        k = rng.choices((0, 1, 2, 3, 5), (35, 25, 20, 12, 8))[0]
        if not k and not self.invite_member:
            return
        others = [p for p in rng.sample(org.people[it.assembly], k + 1) if p[0] != it.proposer_id][:k]
        if self.invite_member:
            others = [p for p in others if p != org.member][: max(0, k - 1)] + [org.member]
        ti = self.after(t, 0, 1)
        self.audit(self.proposer_uid, "invite_cosigners", at=ti, after={"invited": [p[0] for p in others]})
        for pid, uid, _ in others:
            if self.invite_member and pid == org.member[0]:
                st = CoSigner.State.INVITED  # waiting on the featured member
            elif state == S.DRAFT:
                st = rng.choices((CoSigner.State.INVITED, CoSigner.State.CONFIRMED, CoSigner.State.DECLINED), (50, 40, 10))[0]
            else:
                st = rng.choices((CoSigner.State.CONFIRMED, CoSigner.State.DECLINED, CoSigner.State.DROPPED), (80, 8, 12))[0]
            resp = self.after(ti, 0.1, 3) if st != CoSigner.State.INVITED else None
            self.b.add(CoSigner, CoSigner(item=it, person_id=pid, state=st, invited_at=ti, responded_at=resp))
            if st in (CoSigner.State.CONFIRMED, CoSigner.State.DECLINED):
                self.audit(uid, "respond_cosign", at=resp, before={"state": "invited"}, after={"state": st})

    def _key(self, t):
        rng, it = self.rng, self.it
        leader = rng.choice(self.org.leader_ids)
        it.is_key, it.key_leader_id = True, leader
        tk = self.after(t, 1, 10)
        mark = self.b.add(KeyItemMark, KeyItemMark(item=it, marked=True, leader_id=leader, reason="涉及重大民生事项", by_id=self.org.gov_ids[0], at=tk))
        self.audit(self.org.gov_ids[0], "mark_key", target=mark, at=tk, before={"is_key": False, "key_leader": None}, after={"is_key": True, "key_leader": leader})
        if rng.random() < 0.6:
            ti = self.after(tk, 5, 40)
            ins = self.b.add(LeaderInstruction, LeaderInstruction(item=it, leader_id=leader, text="请承办单位高度重视，认真研究，抓好落实。", at=ti))
            self.audit(leader, "give_instruction", target=ins, at=ti)

    def _messages(self, t, unit):
        """A message thread: the proposer writes (to the lead unit, or to the office), and is answered."""
        rng = self.rng
        # The featured member's first thread in the current session: answered, and not read yet.
        first = not self.member_unread and self.sc.is_current and self.proposer_uid == self.org.member[1]
        if rng.random() >= 0.35 and not first:
            return
        tm = self.after(t, 1, 30)
        root = self.b.add("root_messages", Message(item=self.it, author_id=self.proposer_uid, side=Side.PROPOSER, to_unit_id=unit["id"] if unit else None,
                                                   body="请问目前办理进展如何？能否安排一次现场沟通？", at=tm))
        self.audit(self.proposer_uid, "post_message", target=root, at=tm, after={"side": Side.PROPOSER, "to_unit": unit["id"] if unit else None})
        if rng.random() < (0.85 if self.sc.is_current else 0.99) or first:  # old threads: nearly all answered
            ta = self.after(tm, 0.1, 4)
            if unit:
                ans = Message(item=self.it, author_id=unit["liaison"], side=Side.UNIT, unit_id=unit["id"], reply_to=root,
                              body="您好，已收到，我们将尽快联系您并安排面商。", at=ta)
                who = unit["liaison"]
            else:
                ans = Message(item=self.it, author_id=self.org.gov_ids[0], side=Side.OFFICE, reply_to=root, body="已收到，正在按程序办理。", at=ta)
                who = self.org.gov_ids[0]
            root.answered_at = ta
            self.b.add("answer_messages", ans)
            self.audit(who, "post_message", target=ans, at=ta, after={"side": ans.side, "to_unit": None})
            # The proposer has opened the item since (a read mark), except for some recent answers.
            if first:
                self.member_unread = True
            elif ta < self.now - dt.timedelta(days=60) or rng.random() < 0.6:
                self.b.reads.append((self.it, self.proposer_uid, ans))

    # -- assignment and everything after it
    def _handle(self, state, tr):
        rng, org, it, b = self.rng, self.org, self.it, self.b
        gov = org.gov_ids[0]
        ta = self.after(tr, 3, 12)
        it.assigned_at = ta
        due = (ta + dt.timedelta(days=91)).date()
        separate = rng.random() < 0.1
        answering = self.pick_units(2 if separate else 1)
        n_co = rng.choices((0, 1, 2), (65, 25, 10))[0]
        co_units = self.pick_units(n_co, exclude={u["id"] for u in answering})
        role_ans = "separate" if separate else "lead"
        asgs = []  # (assignment, unit)
        for u in answering:
            asgs.append((b.add(Assignment, Assignment(item=it, unit_id=u["id"], role=role_ans, note="请按时办理。", assigned_at=ta, assigned_by_id=gov, reply_due=due)), u))
        for u in co_units:
            asgs.append((b.add(Assignment, Assignment(item=it, unit_id=u["id"], role="co", note="请配合主办单位办理。", assigned_at=ta, assigned_by_id=gov, reply_due=due)), u))
        self.audit(gov, "assign", at=ta, before={"state": S.REGISTERED}, after={"state": S.ASSIGNED, "assignments": [[u["id"], a_.role] for a_, u in asgs]})

        # Re-assignment history: the first unit asked to be replaced and the office agreed (rule 4).
        if state != S.ASSIGNED and rng.random() < 0.04:
            old_a, old_u = asgs[0]
            new_u = self.pick_units(1, exclude={u["id"] for _, u in asgs})[0]
            tq = self.after(ta, 0.5, 4)
            td = self.after(tq, 0.5, 4)
            old_a.state, old_a.ended_at = Assignment.State.ENDED, td
            old_a.end_reason = "调整：该事项不属于本单位职责，建议由" + new_u["name"] + "办理。"
            new_a = b.add(Assignment, Assignment(item=it, unit_id=new_u["id"], role=old_a.role, note="调整交办", assigned_at=td, assigned_by_id=gov,
                                                 reply_due=(td + dt.timedelta(days=91)).date()))
            req = b.add(AdjustmentRequest, AdjustmentRequest(assignment=old_a, reason=old_a.end_reason[3:], suggested_unit_id=new_u["id"],
                                                             requested_by_id=old_u["liaison"], requested_at=tq, state=AdjustmentRequest.State.APPROVED,
                                                             decided_by_id=gov, decided_at=td, new_assignment=new_a))
            self.audit(old_u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting", "suggested_unit": new_u["id"]})
            self.audit(gov, "decide_adjustment", target=req, at=td, before={"state": "pending"}, after={"state": "approved", "new_assignment": new_a})
            asgs[0] = (new_a, new_u)
            if old_a.role != "co":
                answering[0] = new_u
        active = asgs
        ans = [(a_, u) for a_, u in active if a_.role != "co"]
        cos = [(a_, u) for a_, u in active if a_.role == "co"]

        if state == S.ASSIGNED:
            signed_any_pending = False
            for i, (a_, u) in enumerate(active):
                if rng.random() < 0.5 and not (i == len(active) - 1 and not signed_any_pending):
                    self._sign(a_, u)
                elif rng.random() < 0.1:
                    tq = self.after(a_.assigned_at, 0.5, 4)
                    a_.state = Assignment.State.ADJUSTING
                    req = b.add(AdjustmentRequest, AdjustmentRequest(assignment=a_, reason="该事项主要涉及其他单位职责。", suggested_unit_text="相关职能部门",
                                                                     requested_by_id=u["liaison"], requested_at=tq))
                    self.audit(u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting"})
                    signed_any_pending = True
                else:
                    signed_any_pending = True
            self._messages(ta, None)
            return
        for a_, u in active:
            self._sign(a_, u)
        t_signed = max(a_.signed_at for a_, _ in active)

        # A refused adjustment, then signing (counted as passing around, rule 4).
        if rng.random() < 0.02:
            a_, u = active[0]
            span = a_.signed_at - a_.assigned_at
            tq = a_.assigned_at + span * 0.3
            req = b.add(AdjustmentRequest, AdjustmentRequest(assignment=a_, reason="建议由其他单位牵头。", suggested_unit_text="相关职能部门", requested_by_id=u["liaison"],
                                                             requested_at=tq, state=AdjustmentRequest.State.REFUSED, decided_by_id=gov,
                                                             decided_at=a_.assigned_at + span * 0.6, decision_note="属于本单位职责，请签收办理。"))
            self.audit(u["liaison"], "request_adjustment", target=req, at=tq, before={"assignment_state": "pending"}, after={"assignment_state": "adjusting"})
            self.audit(gov, "decide_adjustment", target=req, at=req.decided_at, before={"state": "pending"}, after={"state": "refused", "new_assignment": None})

        after_reply = state in (S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED)
        # Co-handling opinions: all in (or waived) before the lead replies (rule 6).
        for a_, u in cos:
            if after_reply or rng.random() < 0.5:
                to = self.after(a_.signed_at, 3, 25)
                if rng.random() < 0.93:
                    op = b.add(CoOpinion, CoOpinion(assignment=a_, text="我单位对该事项提出如下会办意见：同意主办单位意见，并将积极配合落实。", by_id=u["liaison"], at=to))
                    self.audit(u["liaison"], "send_co_opinion", target=op, at=to, after={"unit": u["id"]})
                else:
                    op = b.add(CoOpinion, CoOpinion(assignment=a_, waived=True, waiver_reason="会办单位机构调整，经协调予以豁免。", by_id=gov, at=to))
                    self.audit(gov, "waive_co_opinion", target=op, at=to, after={"waived": True, "unit": u["id"]}, note=op.waiver_reason)
        # The first face-to-face meeting before replying (rule 5).
        for a_, u in ans:
            if after_reply or rng.random() < 0.6:
                self._consult(a_, u, Consultation.Kind.BEFORE, self.after(a_.signed_at, 2, 20), face=True)
        # Extensions (rule 7).
        for a_, u in ans:
            if rng.random() < 0.05:
                tq = self.after(a_.signed_at, 20, 60)
                new_due = a_.reply_due + dt.timedelta(days=60)
                pending = state == S.HANDLING and rng.random() < 0.5
                ext = b.add(ExtensionRequest, ExtensionRequest(assignment=a_, requested_due=new_due, reason="涉及多部门协调，需延期答复。", requested_by_id=u["liaison"],
                                                               requested_at=tq, previous_due=a_.reply_due,
                                                               state=ExtensionRequest.State.PENDING if pending else ExtensionRequest.State.APPROVED))
                self.audit(u["liaison"], "request_extension", target=ext, at=tq, after={"requested_due": new_due}, note=ext.reason)
                if not pending:
                    ext.decided_by_id, ext.decided_at = gov, self.after(tq, 1, 5)
                    self.audit(gov, "decide_extension", target=ext, at=ext.decided_at, before={"reply_due": a_.reply_due}, after={"reply_due": new_due, "state": "approved"})
                    a_.reply_due = new_due
        # Urge notices for late units (rule 14).
        if rng.random() < (0.08 if state in (S.HANDLING, S.REHANDLING) else 0.03):
            a_, u = ans[0]
            tu = self.after(t_signed, 60, 90)
            urge = b.add(UrgeNotice, UrgeNotice(item=it, unit_id=u["id"], text="请抓紧办理并按时答复。", by_id=gov, at=tu))
            self.audit(gov, "urge", target=urge, at=tu)
        self._messages(t_signed, ans[0][1])

        if state == S.HANDLING:
            for a_, u in ans:
                if rng.random() < 0.4:
                    rtype = self._type()
                    # a reply that needs the district leader may be waiting on them
                    stops = (Reply.State.DRAFT, Reply.State.PENDING_UNIT, Reply.State.APPROVED) + (
                        (Reply.State.PENDING_LEADER,) if rtype.needs_leader_approval else ())
                    self._reply(a_, u, 1, rtype, self.after(t_signed, 20, 60), stop=rng.choice(stops))
            return

        # Round 1 replies, all sent.
        force_ab = state == S.EVALUATED
        sent = {}
        for i, (a_, u) in enumerate(ans):
            closure = self._type(no_c=force_ab and i == 0)
            sent[i] = self._reply(a_, u, 1, closure, self.after(t_signed, 25, 70))
        self._publication([a_ for a_, _ in ans])

        # Feedback, re-handling and closure.
        rehandle_first = state == S.REHANDLING or (state == S.CLOSED and rng.random() < 0.15) or (state == S.REPLIED and rng.random() < 0.1)
        for i, (a_, u) in enumerate(ans):
            r = sent[i]
            if state == S.REPLIED and not (rehandle_first and i == 0):
                # awaiting the rating; a second separate unit may already be rated
                if i > 0 and rng.random() < 0.5:
                    self._feedback(a_, u, r, cos, kind="good")
                self._progress(a_, u, r, until=None, chance=0.3)
                continue
            if rehandle_first and i == 0:
                self._feedback(a_, u, r, cos, kind="rehandle")
                a_.reply_round = 2
                self._consult(a_, u, Consultation.Kind.DURING, self.after(r.feedback_at, 2, 10), face=True)
                if rng.random() < 0.3:
                    tm = self.after(r.feedback_at, 5, 20)
                    med = b.add(Mediation, Mediation(item=it, held_on=tm.date(), participants="区府办、提案委、承办单位、提案人", outcome="明确了下一步办理措施。", by_id=gov, at=tm))
                    self.audit(gov, "record_mediation", target=med, at=tm, after={"held_on": tm.date()})
                if state == S.REHANDLING:
                    if rng.random() < 0.4:
                        self._reply(a_, u, 2, self._type(), self.after(r.feedback_at, 10, 25), stop=Reply.State.DRAFT)
                    continue
                r = sent[i] = self._reply(a_, u, 2, self._type(), self.after(r.feedback_at, 10, 30))
                if state == S.REPLIED:
                    continue
            kind = "lapsed" if rng.random() < 0.1 else "good"
            self._feedback(a_, u, r, cos if a_.role == "lead" else [], kind=kind)
            self._close(a_, u, r, leave_open=(state == S.EVALUATED and i == 0) or (state == S.EVALUATED and rng.random() < 0.5))
            if state == S.CLOSED and rng.random() < 0.5:
                self._consult(a_, u, Consultation.Kind.AFTER, self.after(a_.closed_at, 3, 30), face=rng.random() < 0.5)
        # The item's reply type and replied_at follow the latest sent lead/separate reply.
        last = max((r for r in sent.values()), key=lambda r: r.sent_at)
        it.reply_type_id, it.replied_at = last.reply_type_id, last.sent_at
        if state == S.CLOSED:
            it.closed_at = max(a_.closed_at for a_, _ in ans)

    def _type(self, no_c=False):
        rng, org = self.rng, self.org
        c = rng.choices((ReplyType.Closure.REPORT, ReplyType.Closure.PLAN, ReplyType.Closure.FEEDBACK), (50, 35, 0 if no_c else 15))[0]
        return org.rtype[c]

    def _sign(self, a_, u):
        a_.state = Assignment.State.SIGNED
        a_.signed_at = self.after(a_.assigned_at, 0.2, 7)
        a_.signed_by_id = u["liaison"]
        self.audit(u["liaison"], "sign", target=a_, at=a_.signed_at, before={"state": "pending"}, after={"state": "signed"})

    def _consult(self, a_, u, kind, t, face):
        forms = (Consultation.Form.VISIT, Consultation.Form.MEETING, Consultation.Form.SITE) if face else (Consultation.Form.PHONE, Consultation.Form.ONLINE)
        c = self.b.add(Consultation, Consultation(item=self.it, unit_id=u["id"], kind=kind, form=self.rng.choice(forms), held_on=t.date(),
                                                  participants=f"{u['name']}{u['liaison_name']}、提案人", proposer_views="对办理思路表示认可，希望加快推进。",
                                                  recorded_by_id=u["liaison"], recorded_at=t))
        self.audit(u["liaison"], "record_consultation", target=c, at=t, after={"kind": kind, "form": c.form, "held_on": c.held_on, "unit": u["id"]})
        return c

    def _reply(self, a_, u, rnd, rtype, t, stop=Reply.State.SENT):
        """Draft, approvals (unit; district for types needing it), sending — up to `stop`."""
        rng, b = self.rng, self.b
        closure = rtype.closure
        withhold = rng.random() < 0.12
        r = b.add(Reply, Reply(
            item=self.it, assignment=a_, round=rnd, reply_type_id=rtype.pk, body=_text(rng, REPLY_LINES, 4, 6),
            promise="" if closure == ReplyType.Closure.FEEDBACK else "按计划推进相关工作并按期完成。",
            reference_reason="受规划和财力所限，目前暂不具备实施条件，留作今后工作参考。" if rtype.needs_reason else "",
            signatory=u["leader_name"], contact_person=u["liaison_name"], contact_phone="021-6000" + str(rng.randint(1000, 9999)),
            recommendation=Reply.Recommendation.WITHHOLD if withhold else Reply.Recommendation.PUBLISH,
            withhold_reason="涉及尚未公开的规划信息。" if withhold else "", state=Reply.State.DRAFT, drafted_by_id=u["liaison"], created_at=t,
        ))
        self.audit(u["liaison"], "draft_reply", target=r, at=t, after={"reply_type": rtype.code, "round": rnd, "conversion": False})
        if closure != ReplyType.Closure.FEEDBACK:
            # A reply that promises something says by when (rule 7); a plan runs longer.
            r.planned_date = (t + dt.timedelta(days=rng.randint(90, 300) if rtype.needs_planned_date else rng.randint(30, 120))).date()
        if stop == Reply.State.DRAFT:
            return r
        ts = self.after(t, 0.5, 5)
        r.state = Reply.State.PENDING_UNIT
        self.audit(u["liaison"], "submit_reply", target=r, at=ts, before={"state": "draft"}, after={"state": "pending_unit"})
        if stop == Reply.State.PENDING_UNIT:
            return r
        if rng.random() < 0.1:
            tb = self.after(ts, 0.5, 3)
            b.add(ReplyApproval, ReplyApproval(reply=r, level=ReplyApproval.Level.UNIT, decision=ReplyApproval.Decision.RETURNED, comment="请补充具体措施和时限。", by_id=u["leader"], at=tb))
            self.audit(u["leader"], "return_reply", target=r, at=tb, before={"state": "pending_unit"}, after={"state": "draft", "level": "unit"}, note="请补充具体措施和时限。")
            ts = self.after(tb, 0.5, 4)
            self.audit(u["liaison"], "submit_reply", target=r, at=ts, before={"state": "draft"}, after={"state": "pending_unit"})
        tu = self.after(ts, 0.5, 4)
        b.add(ReplyApproval, ReplyApproval(reply=r, level=ReplyApproval.Level.UNIT, decision=ReplyApproval.Decision.APPROVED, comment="同意。", by_id=u["leader"], at=tu))
        nxt = Reply.State.PENDING_LEADER if rtype.needs_leader_approval else Reply.State.APPROVED
        self.audit(u["leader"], "approve_reply", target=r, at=tu, before={"state": "pending_unit"}, after={"state": nxt, "level": "unit"})
        if rtype.needs_leader_approval:
            r.state = Reply.State.PENDING_LEADER
            if stop == Reply.State.PENDING_LEADER:
                return r
            tu = self.after(tu, 0.5, 5)
            b.add(ReplyApproval, ReplyApproval(reply=r, level=ReplyApproval.Level.DISTRICT, decision=ReplyApproval.Decision.APPROVED, comment="阅。", by_id=u["sup"], at=tu))
            self.audit(u["sup"], "leader_approve_reply", target=r, at=tu, before={"state": "pending_leader"}, after={"state": "approved", "level": "district"})
        r.state = Reply.State.APPROVED
        if stop == Reply.State.APPROVED:
            return r
        r.state, r.sent_at = Reply.State.SENT, self.after(tu, 0.2, 3)
        a_.replied_round = rnd
        self.audit(u["liaison"], "send_reply", target=r, at=r.sent_at, before={"state": self.it.state}, after={"reply_type": rtype.code, "round": rnd})
        if r.planned_date and r.planned_date < r.sent_at.date():
            r.planned_date = r.sent_at.date() + dt.timedelta(days=90)
        return r

    def _feedback(self, a_, u, r, cos, kind):
        rng, org = self.rng, self.org
        t = self.after(r.sent_at, 3, 20) if kind != "lapsed" else self.after(r.sent_at, 22, 35)
        r.feedback_at = t
        if kind == "lapsed":
            fb = self.b.add(Feedback, Feedback(reply=r, item=self.it, lapsed=True, by_id=org.gov_ids[0], at=t))
            self.audit(org.gov_ids[0], "record_no_feedback", target=fb, at=t, after={"lapsed": True})
        else:
            if kind == "rehandle":
                # "不同意", or a grade that sends the item back (差): either re-opens the handling.
                if rng.random() < 0.5:
                    grade, agrees = rng.choice(org.bad_grades), rng.random() < 0.3
                else:
                    grade, agrees = rng.choice(org.good_grades[-2:]), False
            else:
                grade, agrees = rng.choices(org.good_grades, [6, 3, 1][:len(org.good_grades)] + [1] * max(0, len(org.good_grades) - 3))[0], True
            fb = self.b.add(Feedback, Feedback(reply=r, item=self.it, grade_id=grade, agrees=agrees, comment="" if agrees else "答复未解决实际问题。",
                                               praise=agrees and rng.random() < 0.1, by_id=self.proposer_uid, at=t))
            co_grades = {}
            if cos and rng.random() < 0.7:
                for _, cu in cos:
                    g = rng.choice(org.good_grades)
                    self.b.add(CoUnitGrade, CoUnitGrade(feedback=fb, unit_id=cu["id"], grade_id=g))
                    co_grades[cu["id"]] = g
            self.audit(self.proposer_uid, "give_feedback", target=fb, at=t, after={"grade": grade, "agrees": agrees, "co_grades": co_grades})
        if kind != "rehandle" and r.reply_type_id == org.rtype[ReplyType.Closure.FEEDBACK].pk:
            a_.closed_at = t  # a for-reference reply is closed once rated or lapsed (rule 8)
        return fb

    def _progress(self, a_, u, r, until, chance=1.0):
        rtype = next(t for t in self.org.rtype.values() if t.pk == r.reply_type_id)
        if not rtype.progress_every_months or self.rng.random() >= chance:
            return
        step = 30 * rtype.progress_every_months
        t = r.sent_at + dt.timedelta(days=step * self.sc.scale)
        end = until or self.sc.limit
        n = 0
        while t < end and n < 6:
            p = self.b.add(ProgressUpdate, ProgressUpdate(item=self.it, assignment=a_, text="按计划推进，已完成阶段性工作。", by_id=u["liaison"], at=t))
            self.audit(u["liaison"], "report_progress", target=p, at=t, after={"unit": u["id"]})
            t += dt.timedelta(days=step * self.sc.scale)
            n += 1

    def _close(self, a_, u, r, leave_open):
        """A/B: progress, closure report, approval. C was closed by its feedback."""
        rng = self.rng
        rtype = next(t for t in self.org.rtype.values() if t.pk == r.reply_type_id)
        if rtype.closure == ReplyType.Closure.FEEDBACK:
            return
        base = max(r.sent_at, r.feedback_at)
        if rtype.needs_planned_date and r.planned_date:
            planned = dt.datetime.combine(r.planned_date, dt.time(10), tzinfo=dt.timezone.utc)
            t_done = min(planned - dt.timedelta(days=rng.uniform(-20, 60)), self.sc.limit)
            t_done = max(t_done, self.after(base, 5, 20))
        else:
            t_done = self.after(base, 15, 120)
        if leave_open:
            self._progress(a_, u, r, until=None, chance=0.8)
            if rng.random() < 0.3:
                tf = min(t_done, self.sc.limit)
                cr = self.b.add(ClosureReport, ClosureReport(item=self.it, assignment=a_, text="已按答复承诺完成相关工作。", done_on=tf.date(), filed_by_id=u["liaison"], filed_at=tf))
                self.audit(u["liaison"], "file_closure_report", target=cr, at=tf, after={"done_on": cr.done_on})
            return
        self._progress(a_, u, r, until=t_done, chance=0.8)
        if rng.random() < 0.08:
            cr = self.b.add(ClosureReport, ClosureReport(item=self.it, assignment=a_, text="已完成。", done_on=t_done.date(), filed_by_id=u["liaison"], filed_at=t_done,
                                                         state=ClosureReport.State.RETURNED, decided_by_id=u["leader"], decided_at=self.after(t_done, 0.5, 3),
                                                         comment="请补充完成情况的具体数据。"))
            self.audit(u["liaison"], "file_closure_report", target=cr, at=t_done, after={"done_on": cr.done_on})
            self.audit(u["leader"], "return_closure_report", target=cr, at=cr.decided_at, before={"state": "pending"}, after={"state": "returned"}, note=cr.comment)
            t_done = self.after(cr.decided_at, 1, 7)
        cr = self.b.add(ClosureReport, ClosureReport(item=self.it, assignment=a_, text="已按答复承诺完成相关工作，具体情况如下：……", done_on=t_done.date(),
                                                     filed_by_id=u["liaison"], filed_at=t_done, state=ClosureReport.State.APPROVED, decided_by_id=u["leader"],
                                                     decided_at=self.after(t_done, 0.5, 5), comment="同意办结。"))
        self.audit(u["liaison"], "file_closure_report", target=cr, at=t_done, after={"done_on": cr.done_on})
        a_.closed_at = cr.decided_at
        a_.closed_early = bool(rtype.needs_planned_date and r.planned_date and cr.done_on < r.planned_date)  # B only, as the action
        self.audit(u["leader"], "approve_closure_report", target=cr, at=cr.decided_at, before={"state": S.EVALUATED}, after={"closed_early": a_.closed_early})

    def _publication(self, replying):
        """The office decides within 20 working days of the reply (rule 13), on each replying unit's
        reply (rule 3): in the current session 70% are decided so far; an old session's are all
        decided but for a small backlog."""
        rng, it, gov = self.rng, self.it, self.org.gov_ids[0]
        if rng.random() >= (0.7 if self.sc.is_current else 0.99):
            return
        t = self.after(self.last, 5, 25)
        for a_ in replying:
            if it.consent_publish is True:
                a_.publication, kind, reason = Publication.PUBLISHED, PublicationRecord.Kind.PUBLISH, ""
            else:
                a_.publication, kind, reason = Publication.WITHHELD, PublicationRecord.Kind.WITHHOLD, "委员/代表未同意公开。"
            rec = self.b.add(PublicationRecord, PublicationRecord(item=it, assignment=a_, kind=kind, reason=reason, by_id=gov, at=t))
            self.audit(gov, "decide_publication", target=rec, at=t, before={"publication": Publication.UNDECIDED},
                       after={"publication": a_.publication}, note=reason)
            if a_.publication == Publication.PUBLISHED and rng.random() < 0.01:
                t2 = self.after(t, 10, 60)
                a_.publication = Publication.REVOKED
                rec = self.b.add(PublicationRecord, PublicationRecord(item=it, assignment=a_, kind=PublicationRecord.Kind.REVOKE,
                                                                      reason="涉及个人信息，撤销公开。", by_id=gov, at=t2))
                self.audit(gov, "revoke_publication", target=rec, at=t2, before={"publication": Publication.PUBLISHED},
                           after={"publication": Publication.REVOKED}, note=rec.reason)
        states = {a_.publication for a_ in replying}
        it.publication = next(p for p in (Publication.PUBLISHED, Publication.REVOKED, Publication.WITHHELD) if p in states)


# ---------------------------------------------------------------------------------------------
# Writing a batch


def _plain(v):
    if isinstance(v, models.Model):
        return v.pk
    if isinstance(v, (dt.date, dt.datetime)):
        return str(v)
    if isinstance(v, str):
        return str(v)  # plain str, not a TextChoices member
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _insert(batch: _Batch, bulk: int, policies: dict) -> int:
    n = 0
    Item.objects.bulk_create(batch.items, batch_size=bulk)
    n += len(batch.items)
    if batch.merged:
        Item.objects.bulk_create(batch.merged, batch_size=bulk)
        n += len(batch.merged)
    through = Item.suggested_units.through
    for key in INSERT_ORDER:
        objs = batch.rows[key]
        if not objs:
            continue
        if key == "suggested":
            seen = set()
            rows = []
            for it, uid in objs:
                if (it.pk, uid) not in seen:
                    seen.add((it.pk, uid))
                    rows.append(through(item_id=it.pk, unit_id=uid))
            through.objects.bulk_create(rows, batch_size=bulk)
            n += len(rows)
            continue
        model = Message if key in ("root_messages", "answer_messages") else key
        model.objects.bulk_create(objs, batch_size=bulk)
        n += len(objs)
    audits = []
    for rec, target in batch.audits:
        target = target if target is not None else rec.item
        rec.target_type = target._meta.model_name
        rec.target_id = target.pk
        rec.before = {k: _plain(v) for k, v in rec.before.items()}
        rec.after = {k: _plain(v) for k, v in rec.after.items()}
        audits.append(rec)
    AuditRecord.objects.bulk_create(audits, batch_size=bulk)
    n += len(audits)
    Notification.objects.bulk_create(batch.notes, batch_size=bulk)
    MessageReadMark.objects.bulk_create([MessageReadMark(user_id=uid, item=it, last_read_id=msg.pk) for it, uid, msg in batch.reads], batch_size=bulk)
    n += len(batch.notes) + len(batch.reads)
    return n + _write_deadlines([it.pk for it in batch.items + batch.merged], bulk, policies)


def _write_deadlines(item_ids, bulk, policies) -> int:
    """The deadline rows and overdue events banli.deadlines.sync.sync_item would write for these
    items, computed by its own specs from the rows just inserted (one prefetch per batch)."""
    from banli.deadlines.specs import item_specs
    from banli.deadlines.sync import PREFETCH, apply_spec, overdue_event

    today = timezone.localdate()
    rows = []
    for item in Item.objects.filter(pk__in=item_ids).select_related("session").prefetch_related(*PREFETCH):
        if item.state == S.DRAFT and not item.submitted_at and not item.cosigners.all():
            continue  # as sync_item: a lone draft has no milestone yet
        policy = policies.get(item.session_id)
        if policy is None:
            policy = policies[item.session_id] = SessionPolicy.for_session(item.session)
        for spec in item_specs(item, policy):
            row, _ = apply_spec(spec, Deadline(key=spec.key, item_id=item.pk), today)
            rows.append(row)
    Deadline.objects.bulk_create(rows, batch_size=bulk)
    events = [e for e in (overdue_event(r, None, today) for r in rows) if e is not None]
    OverdueEvent.objects.bulk_create(events, batch_size=bulk)
    return len(rows) + len(events)


def generate(n_items: int, *, seed: int = 1, batch: int = 2000, progress=print) -> dict:
    """Create reference data, ~60 units, ~500 people, sessions over the years and `n_items` items
    with their histories. Returns a summary (counts, ids of the bench users, timings, peak RSS)."""
    progress = progress or (lambda *a, **k: None)
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    with transaction.atomic():
        _ensure_reference()
        org = _make_org(rng)
        sessions, counts = _make_sessions(n_items, now)
    progress(f"reference data, {len(org.units)} units, {sum(len(p) for p in org.people.values())} people, {len(sessions)} sessions "
             f"({', '.join(str(c) for c in counts)} items) in {time.perf_counter() - started:.1f}s")
    planner = _Planner(org, rng, now)
    mixes = {k: ([s for s, _ in m], list(accumulate(w for _, w in m))) for k, m in (("old", OLD_MIX), ("current", CURRENT_MIX))}
    # A large bulk size: SQLite with _wide_sqlite_inserts or PostgreSQL take many rows per INSERT.
    bulk = 2000 if connection.vendor == "sqlite" else 1000
    total_rows = 0
    done = 0
    state_counts: dict[str, int] = {}
    policies: dict = {}
    with _historical_timestamps(), _wide_sqlite_inserts():
        plan = [(s, c) for s, c in zip(sessions, counts)]
        current = _Batch()
        ctxs = []

        def flush():
            nonlocal current, total_rows
            if not current.items and not current.merged:
                return
            with transaction.atomic():
                total_rows += _insert(current, bulk, policies)
                for sc in ctxs:
                    if sc.number != sc.session.last_number:
                        Session.objects.filter(pk=sc.session.pk).update(last_number=sc.number)
                        sc.session.last_number = sc.number
            current = _Batch()

        seq = 0
        for session, count in plan:
            sc = _SessionCtx(session, session.is_current, now)
            ctxs.append(sc)
            mix = mixes["current" if session.is_current else "old"]
            recent_enough = session.year >= now.year - 2
            for i in range(count):
                featured = ""
                if session.is_current and i < len(GUARANTEED):
                    state = GUARANTEED[i]
                    featured = "member" if session.assembly == Assembly.CPPCC else ""
                elif session.is_current and session.assembly == Assembly.CPPCC and i == len(GUARANTEED):
                    state, featured = S.DRAFT, "invite"  # someone's draft inviting the featured member
                else:
                    state = planner.weighted(mix)
                if state == S.EVALUATED and not session.is_current and not recent_enough:
                    state = S.CLOSED  # plans from long ago are done
                if state == S.MERGED and not sc.pool:
                    state = S.NOT_REGISTERED
                seq += 1
                planner.plan(current, sc, state, seq, featured)
                key = getattr(state, "value", state)
                state_counts[key] = state_counts.get(key, 0) + 1
                done += 1
                if len(current.items) + len(current.merged) >= batch:
                    flush()
                    if done % max(batch, 10_000) < batch:
                        el = time.perf_counter() - started
                        progress(f"  {done:>7}/{n_items} items, {total_rows:,} rows, {el:.0f}s, {done / el:.0f} items/s, peak RSS {peak_rss_mb():.0f} MB")
            # The pool keeps only a few recent items; drop the session's once it is done.
            sc.pool.clear()
        flush()
        with transaction.atomic():
            n_questions, q_rows = _make_questions(org, rng, now, n_items, bulk)
            total_rows += q_rows
    elapsed = time.perf_counter() - started
    User = get_user_model()
    busiest = org.units[0]
    summary = {
        "items": n_items,
        "rows": total_rows,
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "sessions": [s.pk for s in sessions],
        "current_sessions": {s.assembly: s.pk for s in sessions if s.is_current},
        "states": state_counts,
        "gov_user_id": User.objects.get(username=GOV_USERNAME).pk,
        "office_user_ids": dict(org.office_id),
        "busiest_unit_id": busiest["id"],
        "busiest_unit_liaison_id": busiest["liaison"],
        "busiest_unit_head_id": busiest["leader"],
        "leader_user_id": busiest["sup"],  # the district leader whose portfolio holds the busiest unit
        "member_user_id": org.member[1],
        "member_person_id": org.member[0],
        "questions": n_questions,
        "deadlines": Deadline.objects.count(),
        "notifications": Notification.objects.count(),
    }
    progress(f"generated {n_items} items, {total_rows:,} rows in {elapsed:.1f}s, peak RSS {summary['peak_rss_mb']} MB")
    return summary


def _make_questions(org, rng, now, n_items, bulk) -> tuple[int, int]:
    """有问必答: questions over the last two years, to the office, to the busiest unit or to others;
    most answered (and the answer read), the recent ones often still open. Their answer deadlines
    come from banli.deadlines.sync.sync_question, as ask_question/answer_question write them."""
    from banli.deadlines.sync import sync_question

    n = max(12, n_items // 200)
    busiest = org.units[0]
    questions, audits, notes = [], [], []
    for k in range(n):
        person = org.member if k % 10 == 0 else rng.choice(org.people[rng.choice(Assembly.values)])
        r = rng.random()
        unit = busiest if r < 0.3 else None if r < 0.6 else rng.choice(org.units)
        asked = now - dt.timedelta(days=rng.uniform(0.5, 730))
        answered = asked < now - dt.timedelta(days=20) and rng.random() < 0.97 or rng.random() < 0.4
        # The first three make every case exist at a small scale: an answer the member has not read,
        # an open question to the busiest unit, one to the office.
        if k < 3:
            unit, asked = (None, busiest, None)[k], now - dt.timedelta(days=2 + k)
            answered = k == 0
        q = Question(asker_id=person[0], asked_by_id=person[1], to_unit_id=unit["id"] if unit else None, asked_at=asked,
                     subject=f"关于{rng.choice(TOPICS)}的咨询", body="请问相关工作目前的安排和进度如何？")
        if answered:
            q.answered_at = min(asked + dt.timedelta(days=rng.uniform(0.2, 12)), now - dt.timedelta(hours=1))
            q.answered_by_id = unit["liaison"] if unit else org.gov_ids[0]
            q.answer = "感谢您的关心。相关工作正在按计划推进，我们将及时公开进展。"
            unread = k == 0 or (q.answered_at > now - dt.timedelta(days=30) and rng.random() < 0.5)
            q.answer_read_at = None if unread else min(q.answered_at + dt.timedelta(days=rng.uniform(0.1, 5)), now)
        questions.append(q)
    Question.objects.bulk_create(questions, batch_size=bulk)
    for q in questions:
        unit = org.unit_by_id.get(q.to_unit_id)
        audits.append(AuditRecord(at=q.asked_at, actor_id=q.asked_by_id, action="ask_question", target_type="question", target_id=q.pk,
                                  before={}, after={"to_unit": q.to_unit_id}, note=""))
        for uid in ([unit["liaison"], unit["leader"]] if unit else [org.gov_ids[0]]):
            notes.append(Notification(recipient_id=uid, kind="question", text=f"有问必答：{q.subject}", created_at=q.asked_at,
                                      read_at=q.answered_at))
        if q.answered_at:
            audits.append(AuditRecord(at=q.answered_at, actor_id=q.answered_by_id, action="answer_question", target_type="question",
                                      target_id=q.pk, before={}, after={"answered": True}, note=""))
            notes.append(Notification(recipient_id=q.asked_by_id, kind="answer", text=f"您的提问已答复：{q.subject}", created_at=q.answered_at,
                                      read_at=q.answer_read_at))
        sync_question(q)
    AuditRecord.objects.bulk_create(audits, batch_size=bulk)
    Notification.objects.bulk_create(notes, batch_size=bulk)
    return len(questions), len(questions) * 2 + len(audits) + len(notes)


# ---------------------------------------------------------------------------------------------
# Consistency check: does each item's state agree with its rows, as the actions would leave it?


def _derived_state(item) -> str | None:
    """The state settle_item (banli.proposals.actions.settle) would give an item past assignment,
    computed read-only from prefetched rows."""
    active = [a for a in item.assignments.all() if a.state != Assignment.State.ENDED]
    if item.state in (S.ASSIGNED, S.HANDLING) or not any(a.replied_round for a in active):
        return S.HANDLING if all(a.state == Assignment.State.SIGNED for a in active) else S.ASSIGNED
    answering = [a for a in active if a.role in ("lead", "separate")]
    if any(a.replied_round < a.reply_round for a in answering):
        return S.REHANDLING if any(a.reply_round > 1 and a.replied_round < a.reply_round for a in answering) else S.HANDLING
    for a in answering:
        rated = [r for r in a.replies.all() if r.state == Reply.State.SENT and not r.is_conversion]
        if not rated or not hasattr(rated[-1], "feedback"):
            return S.REPLIED
    return S.CLOSED if all(a.closed_at for a in answering) else S.EVALUATED


def check_consistency(item_ids=None) -> list[str]:
    """Problems found (empty if none): states against rows, numbering, dates."""
    from django.db.models import Count, Max, Prefetch

    problems = []
    qs = Item.objects.all() if item_ids is None else Item.objects.filter(pk__in=item_ids)
    qs = qs.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("feedback", "reply_type").prefetch_related("approvals")),
            "closure_reports")),
        "consultations", "replies",
    )
    for item in qs.iterator(chunk_size=500):
        p = f"item {item.pk} ({item.state})"
        active = [a for a in item.assignments.all() if a.state != Assignment.State.ENDED]
        answering = [a for a in active if a.role in ("lead", "separate")]
        sent = [r for r in item.replies.all() if r.state == Reply.State.SENT]
        if item.state in NUMBERED_LIVE and not item.number:
            problems.append(f"{p}: registered but no number")
        if item.state in (S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.MERGED, S.CONVERTED) and item.number:
            problems.append(f"{p}: numbered without registration")
        if item.state != S.DRAFT and not item.submitted_at:
            problems.append(f"{p}: no submitted_at")
        if item.state == S.MERGED and not item.merged_into_id:
            problems.append(f"{p}: merged into nothing")
        if sent and not item.replied_at:
            problems.append(f"{p}: sent reply but no replied_at")
        if item.state == S.CLOSED and (not sent or not item.closed_at):
            problems.append(f"{p}: closed without a sent reply or closed_at")
        if item.state in (S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED):
            if not answering or sum(a.role == "lead" for a in active) > 1:
                problems.append(f"{p}: bad assignment shape")
                continue
            derived = _derived_state(item)
            if derived != item.state:
                problems.append(f"{p}: rows say {derived}")
            if sent:
                last = max((r for a in answering for r in a.replies.all() if r.state == Reply.State.SENT), key=lambda r: r.sent_at)
                if item.reply_type_id != last.reply_type_id or item.replied_at != last.sent_at:
                    problems.append(f"{p}: reply_type/replied_at do not follow the latest sent reply")
            for a in answering:
                for r in a.replies.all():
                    levels = {x.level for x in r.approvals.all() if x.decision == ReplyApproval.Decision.APPROVED}
                    if r.state == Reply.State.SENT and ("unit" not in levels or (r.reply_type.needs_leader_approval and "district" not in levels)):
                        problems.append(f"{p}: reply {r.pk} sent without its approvals")
                    if r.state == Reply.State.SENT and r.reply_type.closure != ReplyType.Closure.FEEDBACK and not r.planned_date:
                        problems.append(f"{p}: reply {r.pk} promises without a date")
                if a.closed_at:
                    last = [r for r in a.replies.all() if r.state == Reply.State.SENT][-1]
                    if last.reply_type.closure != ReplyType.Closure.FEEDBACK and not any(c.state == ClosureReport.State.APPROVED for c in a.closure_reports.all()):
                        problems.append(f"{p}: unit {a.unit_id} closed without an approved closure report")
                    if last.reply_type.closure == ReplyType.Closure.FEEDBACK and not hasattr(last, "feedback"):
                        problems.append(f"{p}: reference reply closed without feedback")
                first = [r for r in a.replies.all() if r.state == Reply.State.SENT and r.round == 1]
                if a.role == "lead" and first:
                    met = [c for c in item.consultations.all() if c.unit_id == a.unit_id and c.kind == "before" and c.form in Consultation.FACE_TO_FACE]
                    if not met or min(c.held_on for c in met) > first[0].sent_at.date():
                        problems.append(f"{p}: lead reply sent before meeting the proposer")
        if item.state in (S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED) and any(a.state != Assignment.State.SIGNED for a in active):
            problems.append(f"{p}: an active unit has not signed")
    dup = Item.objects.filter(number__isnull=False).values("session_id", "number").annotate(n=Count("id")).filter(n__gt=1)
    for row in dup[:10]:
        problems.append(f"session {row['session_id']}: number {row['number']} used {row['n']} times")
    for s in Session.objects.annotate(top=Max("items__number")):
        if (s.top or 0) != s.last_number:
            problems.append(f"session {s.pk}: last_number {s.last_number} but highest number {s.top}")
    return problems
