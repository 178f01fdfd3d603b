"""The replies of one demo item: drafting, approval and sending, the letter itself, the planned
date it promises, then progress updates, the visit after the reply and the closure report."""

import datetime as dt
from functools import partial

from banli.proposals import actions as A
from banli.workdays.calendar import add_working_days

from . import content as C
from .spec import S
from .timeline import TZ, next_working_day, office_dt
from .vocabulary import cn_date, self_word


class ReplyPlan:
    """The part of ItemPlan that plans replies and closure (a mixin)."""

    def plan_reply(self, u, td, rtype, round_, cut):
        """Draft, approvals and sending of one reply; returns when it was sent, or None if the
        item's life stops on the way (cut)."""
        s, g = self.s, self.g
        planned = self.planned_date(rtype, td)
        self.planned[u.pk] = planned
        kwargs = self.reply_fields(u, rtype, planned, round_, td)
        self.add(td, "draft_reply", partial(self._draft_reply, u, kwargs))
        if cut == "draft":
            return None
        ts = self.mins(td, 20, 120)
        self.add(ts, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
        if cut == "pending_unit":
            return None
        if s.reply_return and round_ == 1:
            tr = self.wd(ts, 1, 2)
            self.add(tr, "return_reply", partial(self._reply_step, A.return_reply, u, g.head, comment="答复内容不够具体，请补充具体措施和完成时限后重新报送。"))
            td2 = self.wd(tr, 1, 2)
            kwargs2 = dict(kwargs, body=kwargs["body"].replace("现将办理情况答复如下", "经进一步研究，现将办理情况答复如下"))
            self.add(td2, "draft_reply", partial(self._draft_reply, u, kwargs2))
            ts = self.mins(td2, 20, 90)
            self.add(ts, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
        ta = self.wd(ts, 1, 3)
        self.add(ta, "approve_reply", partial(self._reply_step, A.approve_reply, u, g.head, comment="同意发出。"))
        if rtype == "C":
            if cut == "pending_leader":
                return None
            ta = self.wd(ta, 1, 4)
            self.add(ta, "leader_approve", partial(self._reply_step, A.leader_approve_reply, u, g.supervisor,
                                                  comment=self.rng.choice(["同意。", "同意，请做好与提案人的沟通解释工作。", "阅。同意答复意见。"])))
        if cut == "approved":
            return None
        tsend = self.wd(ta, 0, 2)
        self.add(tsend, "send_reply", partial(self._send, u))
        return tsend

    def planned_date(self, rtype, td):
        """The date a reply promises. It is never before the day the reply is drafted."""
        s, r = self.s, self.rng
        day = td.astimezone(TZ).date()
        if not (rtype == "B" or (rtype == "A" and s.promise)):
            return None
        closes = s.target == S.CLOSED
        if rtype == "B":
            want = day + dt.timedelta(days=r.randint(60, 160))
        else:
            want = day + dt.timedelta(days=r.randint(30, 90))
        if closes:
            cap = self.horizon.date() - dt.timedelta(days=14 if self.key == "prev" else 25)
            want = max(min(want, cap), day + dt.timedelta(days=20))
        elif s.target == S.EVALUATED:
            want = max(want, self.horizon.date() + dt.timedelta(days=r.randint(30, 200)))
        return want

    def reply_fields(self, u, rtype, planned, round_, td):
        s, g = self.s, self.g
        w = self_word(u.name)
        noun = s.noun
        sal = f"{s.person.name}：" if s.person.is_collective else f"尊敬的{s.person.name}{s.person_title}："
        lines = [sal]
        if round_ == 1:
            lines.append(f"    您提出的《{s.title}》收悉。我{w}高度重视，由主要负责同志牵头研究办理，并与您当面沟通、听取意见。现将办理情况答复如下：")
        else:
            lines.append(f"    根据您对第一次答复的反馈意见，我{w}再次与您当面沟通，并会同相关部门进行了专题研究，现补充答复如下：")
        promise = ""
        reason = ""
        if rtype == "A":
            lines.append(f"    您在{noun}中指出的问题客观存在，所提建议针对性强、切实可行，我{w}予以采纳。{s.act}。")
            if planned:
                promise = f"答复中承诺的各项措施于{cn_date(planned)}前全部落实到位。"
                lines.append(f"    下一步，我们将抓紧推进剩余工作，确保{promise}")
            else:
                lines.append("    下一步，我们将持续跟踪工作成效，巩固办理成果，并及时向您通报相关情况。")
        elif rtype == "B":
            lines.append(f"    您所提建议符合我区发展方向，我{w}高度认同。目前，{s.act}。由于该项工作涉及资金筹措、项目审批和建设周期等因素，需要分步实施，"
                         f"已列入{planned.year}年工作计划，计划于{cn_date(planned)}前完成。")
            promise = f"列入工作计划，于{cn_date(planned)}前完成。"
        else:
            reason = self.rng.choice(C.C_REASONS)
            lines.append(f"    您所提建议具有一定的前瞻性和参考价值。经认真研究，{reason}。我们将把您的建议留作今后工作参考，积极向上级部门反映，待条件成熟时认真研究推进。")
        lines.append(f"    感谢您对我{w}工作的关心和支持！")
        lines.append(f"\n{u.name}\n{cn_date(td.astimezone(TZ).date())}")
        rec = "withhold" if s.withhold_rec else "publish"
        return {
            "reply_type": rtype, "body": "\n".join(lines), "promise": promise, "planned_date": planned, "reference_reason": reason,
            "signatory": g.head(u).first_name, "contact_phone": u.phone, "recommendation": rec,
            "withhold_reason": "答复内容涉及尚未公布的规划方案。" if rec == "withhold" else "",
        }

    def plan_closure(self, u, rtype, t_sent, all_rated, all_sent):
        """Conversion of a for-reference reply, the visit after the reply, progress updates and
        the closure report of one replying unit."""
        s, g, r = self.s, self.g, self.rng
        if rtype == "C":
            if not s.convert_to:
                return
            tconv = self.wd(all_rated, 25, 45)
            if s.target == S.CLOSED and self.key == "prev":
                tconv = min(tconv, office_dt(dt.date(g.prev_year, 8, 20), r))
            if tconv <= all_rated:
                tconv = self.wd(all_rated, 3)
            rtype = s.convert_to
            planned = self.planned_date(rtype, tconv) if rtype == "B" else None
            if rtype == "A":
                planned = None
            kwargs = self.reply_fields(u, rtype, planned, 1, tconv)
            kwargs["body"] = kwargs["body"].replace("现将办理情况答复如下", "随着相关条件逐步成熟，经研究，现将原留作参考的答复调整如下")
            self.add(tconv, "convert_reply_type", partial(self._convert_reply, u, kwargs))
            tsub = self.mins(tconv, 20, 90)
            self.add(tsub, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
            tap = self.wd(tsub, 1, 3)
            self.add(tap, "approve_reply", partial(self._reply_step, A.approve_reply, u, g.head, comment="同意调整答复类型。"))
            t_sent = self.wd(tap, 0, 2)
            self.add(t_sent, "send_conversion", partial(self._send, u))
            all_rated = t_sent
            closure_planned = planned
        else:
            closure_planned = None
        # when the work is done and the report goes in
        last = max(t_sent, all_rated)
        if s.target == S.CLOSED:
            planned = (closure_planned or self.planned.get(u.pk)) if rtype in ("A", "B") else None
            floor_day = last.astimezone(TZ).date() + dt.timedelta(days=1)
            if planned and rtype == "B" and s.early:
                done = planned - dt.timedelta(days=r.randint(10, 60))
            elif planned:
                done = planned - dt.timedelta(days=r.randint(0, 15)) if rtype == "A" else planned
            else:
                done = add_working_days(last.astimezone(TZ).date(), r.randint(10, 45))
            done = max(done, floor_day)
            t_file = max(office_dt(next_working_day(done + dt.timedelta(days=r.randint(0, 4))), r), self.wd(last, 3, 6))
            ceiling = self.before_horizon(4, 8)
            if t_file > ceiling:
                t_file = max(ceiling, self.wd(last, 1))
            done = min(done, t_file.astimezone(TZ).date())
            end = t_file
        elif s.target == S.EVALUATED and s.cut == "closure_pending":
            t_file = max(self.before_horizon(2, 8), self.wd(last, 3))
            done = t_file.astimezone(TZ).date() - dt.timedelta(days=r.randint(0, 5))
            end = t_file
        else:
            t_file = None
            end = self.horizon
        # the visit after the reply (办后回访), before the report
        if s.after_visit:
            tv = self.wd(last, 2, 8)
            if tv < end - dt.timedelta(days=1):
                self.add(tv, "consult_after", partial(self._consult, u, "after"))
        # progress updates until then (A monthly, B quarterly)
        every = 21 if rtype == "A" else 62
        tp = self.wd(max(t_sent, all_sent), every - 3, every + 2)  # once every unit has replied
        n = 0
        while tp < end - dt.timedelta(days=2) and n < 12:
            text = r.choice(C.PROGRESS_TEXTS).format(pct=min(95, 30 + 15 * n + r.randint(0, 10)))
            self.add(tp, "progress", partial(self._progress, u, text))
            tp = self.wd(tp, every - 3, every + 2)
            n += 1
        if t_file is None:
            return
        text = self.closure_text(u, rtype, done)
        if s.closure_return:
            self.add(t_file, "file_closure", partial(self._file_closure, u, text, done))
            tr = self.wd(t_file, 1, 3)
            self.add(tr, "return_closure", partial(self._reply_step, A.return_closure_report, u, g.head,
                                                   comment="办结报告缺少完成情况的佐证材料，请补充后重新报送。"))
            t_file = self.wd(tr, 1, 3)
            text = text + "相关验收材料和现场照片已作为附件一并报送。"
        self.add(t_file, "file_closure", partial(self._file_closure, u, text, done))
        if s.target == S.EVALUATED:
            return
        self.add(self.wd(t_file, 1, 4), "approve_closure", partial(self._reply_step, A.approve_closure_report, u, g.head, comment="同意办结。"))

    def closure_text(self, u, rtype, done):
        s = self.s
        who = s.person.name + s.person_title
        if rtype == "B":
            return f"按照答复承诺，{s.act}。该项工作已于{cn_date(done)}全部完成。经回访，{who}对办理结果表示认可。"
        return f"{s.act}。截至{cn_date(done)}，答复中所列各项措施已全部落实到位。经回访，{who}对办理结果表示满意。"

