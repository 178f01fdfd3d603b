"""The items the demo accounts find when they log in: written out one by one."""

from banli.org.models import Assembly

from .spec import S


class Heroes:
    """The part of the Generator that casts the demo accounts' own items (a mixin)."""

    def hero_specs(self):
        """The items the demo accounts find when they log in."""
        m1, m2, d1 = self.member1, self.member2, self.deputy1
        u1, u2, U = self.unit1, self.unit2, self.units
        leader1 = self.leaders["L1"][0]
        cp, npc = Assembly.CPPCC, Assembly.NPC
        ms = self.new_spec
        other = lambda: self.rng.choice([p for p in self.members[2:]])  # noqa: E731
        # member1, current session
        ms(cp, "cur", S.REPLIED, m1, self.topic("加快既有住宅加装电梯工作"), lead=u1, co=[u2, U["zrj"]], separate=[],
           cosigners=[(m2, "confirm"), (other(), "confirm")], consent=True, reply_type="A", promise=True, cut="", adjustment="", extension="")
        ms(cp, "cur", S.REPLIED, m1, self.topic("加强住宅小区物业服务监管"), lead=u1, co=[U["mzj"]], separate=[], reply_type="B",
           cut="", adjustment="", consent=True)
        ms(cp, "cur", S.DRAFT, m1, self.topic("推进住宅小区新能源汽车充电设施建设"), lead=u1, co=[], separate=[],
           cosigners=[(m2, "none"), (other(), "confirm")], returned=False)
        ms(cp, "cur", S.SUBMITTED, m1, self.topic("规范电动自行车停放充电管理"), lead=u1, co=[u2], separate=[], returned=False)
        ms(cp, "cur", S.HANDLING, m1, self.topic("加快推进{utown}老旧小区改造"), {"utown": "城关街道"}, lead=u1, co=[u2], separate=[],
           cosigners=[(m2, "confirm")], cut="co_pending", adjustment="", extension="", reassign_add=None, waive=False, late_consult=False)
        ms(cp, "cur", S.CLOSED, m1, self.topic("优化中小学课后服务"), lead=U["jyj"], co=[U["czj"]], separate=[], reply_type="A", promise=False,
           grade="good", agrees=True, praise=True, consent=True, rehandle=False, lapsed=False, withhold_rec=False)
        ms(cp, "cur", S.EVALUATED, m1, self.topic("加快城区学校建设 缓解大班额问题"), lead=U["jyj"], co=[U["zrj"]], separate=[], reply_type="B",
           rehandle=False, lapsed=False, cut="progress", cosigners=[(m2, "confirm")])
        ms(cp, "cur", S.REHANDLING, m1, self.topic("加快发展保障性租赁住房"), lead=u1, co=[], separate=[], reply_type="B", cut="consulted2")
        ms(cp, "cur", S.EVALUATED, self.collectives[2], self.topic("稳妥推进{utown}城中村改造"), {"utown": "北苑街道"}, lead=u1, co=[u2],
           separate=[], reply_type="B", key_leader=leader1, rehandle=False, lapsed=False, cut="progress", adjustment="")
        ms(cp, "cur", S.HANDLING, None, self.topic("规范住宅专项维修资金使用"), lead=u1, co=[], separate=[], cut="pending_unit", extension="")
        ms(cp, "cur", S.HANDLING, None, self.topic("加快公共厕所提档升级"), lead=u2, co=[], separate=[], reply_type="C", cut="pending_leader", extension="")
        ms(cp, "cur", S.EVALUATED, None, self.topic("加快老旧燃气管道更新改造"), lead=u1, co=[U["yjj"]], separate=[], reply_type="A", promise=False,
           rehandle=False, lapsed=False, cut="closure_pending")
        ms(cp, "cur", S.HANDLING, None, self.topic("推进生活垃圾分类提质增效"), lead=u2, co=[u1], separate=[], reply_type="A", cut="pending_unit",
           extension="", waive=False)
        ms(cp, "cur", S.ASSIGNED, None, self.topic("增加{hospital}周边停车泊位"), lead=U["jtj"], co=[], separate=[], cut="adjusting",
           adjustment="pending", adjust_alt=u2)
        ms(cp, "cur", S.HANDLING, None, self.topic("加强{river}水环境综合治理"), lead=U["swj"], co=[U["sthj"]], separate=[],
           cut="extension_pending", extension="pending", waive=False)
        ms(cp, "cur", S.REGISTERED, None, self.topic("推动老字号和特色商业街区提档升级"), withdraw_pending=True)
        ms(cp, "cur", S.ASSIGNED, None, self.topic("加强建筑工地扬尘污染防治"), lead=u1, co=[u2], separate=[], cut="partly", adjustment="")
        ms(cp, "cur", S.CLOSED, m2, self.topic("推进紧密型医共体建设 提升基层医疗服务能力"), lead=U["wjw"], co=[U["ybj"]], separate=[],
           reply_type="B", early=True, rehandle=False, lapsed=False)
        ms(cp, "cur", S.REPLIED, m2, self.topic("做实家庭医生签约服务"), lead=U["wjw"], co=[], separate=[], reply_type="A", cut="")
        ms(cp, "cur", S.HANDLING, self.collectives[0], self.topic("加快{road}道路改造提升"), lead=U["jtj"], co=[u2], separate=[],
           key_leader=leader1, cut="consulted", extension="")
        ms(cp, "cur", S.EVALUATED, None, self.topic("推进{community}片区城市更新 保护历史风貌"), lead=U["zrj"], co=[u1], separate=[],
           reply_type="C", convert_to="B", rehandle=False, lapsed=False, cut="progress", grade="fair")
        ms(cp, "cur", S.CLOSED, self.collectives[1], self.topic("增加{utown}口袋公园和绿道建设"), {"utown": "东湖街道"}, lead=None, co=[],
           separate=[U["ylj"], U["t_dh"]], reply_type="A", rehandle=False)
        ms(cp, "cur", S.CLOSED, None, self.topic("推进城市内涝治理和排水管网改造"), lead=U["swj"], co=[u1, u2], separate=[], reply_type="A",
           rehandle=True, grade="poor", agrees=False, rehandle_type="A", lapsed=False)
        # deputy1 and the NPC side, current session
        ms(npc, "cur", S.REPLIED, d1, self.topic("加强{rtown}农村饮水安全保障"), {"rtown": "青山镇"}, lead=U["swj"], co=[U["nyj"]], separate=[],
           reply_type="B", cut="")
        ms(npc, "cur", S.CLOSED, d1, self.topic("推进{rtown}农村人居环境整治提升"), {"rtown": "青山镇"}, lead=U["t_qs"], co=[U["nyj"]],
           separate=[], reply_type="A", rehandle=False, lapsed=False, praise=True, grade="good")
        ms(npc, "cur", S.HANDLING, d1, self.topic("优化公交线网 打通出行“最后一公里”"), lead=U["jtj"], co=[], separate=[], cut="consulted", extension="")
        ms(npc, "cur", S.EVALUATED, d1, self.topic("加快特色农产品品牌建设"), lead=U["nyj"], co=[U["scj"]], separate=[], reply_type="B",
           rehandle=False, lapsed=False, cut="progress")
        ms(npc, "cur", S.DRAFT, d1, self.topic("发展壮大村级集体经济"), returned=False, cosigners=[])
        ms(npc, "cur", S.ASSIGNED, None, self.topic("加强{rtown}农村自建房安全隐患排查整治"), lead=u1, co=[U["yjj"]], separate=[],
           cut="none_signed", adjustment="")
        ms(npc, "cur", S.REPLIED, None, self.topic("加强住宅小区物业服务监管"), lead=u1, co=[u2], separate=[], reply_type="A", cut="")
        # previous session
        ms(cp, "prev", S.CLOSED, m1, self.topic("加强中小学生心理健康教育"), lead=U["jyj"], co=[U["wjw"]], separate=[], reply_type="A",
           rehandle=False, lapsed=False, consent=True)
        ms(cp, "prev", S.CLOSED, m1, self.topic("加强建筑工地扬尘污染防治"), lead=u1, co=[u2], separate=[], reply_type="B", early=True,
           rehandle=False, lapsed=False, cosigners=[(m2, "confirm")], key_leader=leader1)
        ms(cp, "prev", S.CLOSED, m2, self.topic("优化{hospital}就诊流程 缓解看病难"), lead=U["wjw"], co=[], separate=[], reply_type="A", rehandle=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("加快既有住宅加装电梯工作"), lead=u1, co=[u2], separate=[], reply_type="C", convert_to="A",
           rehandle=False, lapsed=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("加快推进{utown}老旧小区改造"), {"utown": "新华街道"}, lead=u1, co=[u2, U["gd"]], separate=[],
           reply_type="B", rehandle=True, grade="average", agrees=False, rehandle_type="A", lapsed=False, revoke=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("激发夜间经济活力 打造{road}特色街区"), lead=U["swuj"], co=[u2], separate=[], reply_type="A",
           consent=True, revoke=True, rehandle=False, withhold_rec=False)
        ms(npc, "prev", S.CLOSED, d1, self.topic("加快农村电商和快递物流体系建设"), lead=U["swuj"], co=[U["nyj"]], separate=[], reply_type="A",
           rehandle=False)
        ms(npc, "prev", S.CLOSED, d1, self.topic("推动{rtown}农文旅融合发展"), {"rtown": "青山镇"}, lead=U["wlj"], co=[], separate=[],
           reply_type="C", rehandle=True, grade="poor", agrees=False, rehandle_type="B", lapsed=False)
        ms(npc, "prev", S.CLOSED, None, self.topic("推进住宅小区新能源汽车充电设施建设"), lead=u1, co=[U["gd"]], separate=[], reply_type="B",
           lapsed=True, rehandle=False, early=False)

