"""The steps of a demo item as they run, with the clock set to their moment: each calls one action
function as the right user, and keeps the ids the database hands out for the later steps."""

from django.utils import timezone as django_timezone

from banli.proposals import actions as A

from . import content as C
from .timeline import working_days_before
from .vocabulary import OFFICE_NAMES, self_word


class Steps:
    """The part of ItemPlan that performs the steps (a mixin)."""

    # -- the steps (run with the clock set) ------------------------------------------------------
    def _create(self):
        s = self.s
        item = A.create_draft(self.proposer, person_id=s.person.pk, session_id=s.session.pk, suggested_unit_ids=s.suggested,
                              title=s.title, reason=s.reason, suggestions=s.suggestions,
                              category=self.g.categories[(s.assembly, s.sub)], consent_publish=s.consent, urgent=False)
        self.ctx.item_id = item.pk

    def _respond(self, user, confirm):
        A.respond_cosign(user, self.ctx.item_id, confirm=confirm)

    def _assign(self, note):
        s = self.s
        made = A.assign(self.g.office, self.ctx.item_id, lead=s.lead.pk if s.lead else None,
                              co=[u.pk for u in s.co], separate=[u.pk for u in s.separate], note=note)
        for a in made:
            self.ctx.asg[a.unit_id] = a.pk

    def _sign(self, u):
        A.sign(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk])

    def _urge(self, u, text):
        A.urge(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text)

    def _request_adjustment(self, u, alt, role):
        what = "主办" if role == "lead" else "办理"
        A.request_adjustment(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk],
                             reason=f"该件所提事项主要涉及{alt.name}的职责范围，我{self_word(u.name)}仅承担配合职责，建议调整由{alt.name}{what}。",
                             suggested_unit_id=alt.pk)

    def _decide_adjustment(self, u, alt, approve):
        if approve:
            req = A.decide_adjustment(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=True, new_unit_id=alt.pk,
                                      note=f"经研究，同意调整，改由{alt.name}办理。")
            self.ctx.asg[alt.pk] = req.new_assignment_id
        else:
            A.decide_adjustment(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=False,
                                note="经研究，该件所提事项与贵单位职责密切相关，仍由贵单位办理，请尽快签收。")

    def _reassign(self, new):
        made = A.reassign(self.g.office, self.ctx.item_id, co=[new.pk], reason=f"根据办理需要，增加{new.name}为会办单位。")
        for a in made:
            self.ctx.asg[a.unit_id] = a.pk

    def _consult(self, u, kind, rehandle=False):
        s, g, r = self.s, self.g, self.rng
        today = django_timezone.localdate()
        held = today if r.random() < 0.6 else working_days_before(today, 1)
        if kind == "before" or rehandle:
            form = r.choice(["visit", "meeting", "site", "visit"])
        elif kind == "during":
            form = r.choice(["phone", "online", "meeting"])
        else:
            form = r.choice(["visit", "phone", "site"])
        liaison, head = g.liaison(u), g.head(u)
        who = f"{s.person.name}{s.person_title}" if not s.person.is_collective else f"{s.person.name}相关负责同志"
        parts = f"{liaison.first_name}（{u.short_name}办理联络员）、{head.first_name}（{u.short_name}负责人）、{who}"
        if kind == "before" and s.co and r.random() < 0.5:
            parts += "、" + "、".join(f"{c.short_name}相关科室负责同志" for c in s.co)
        views = r.choice({"before": C.CONSULT_VIEWS_BEFORE, "during": C.CONSULT_VIEWS_DURING, "after": C.CONSULT_VIEWS_AFTER}[kind])
        if rehandle:
            views = "对第一次答复不满意，希望承办单位拿出更具体的措施和时间表，并加强与相关部门的协调。"
        A.record_consultation(liaison, self.ctx.item_id, assignment=self.ctx.asg[u.pk], kind=kind, form=form, held_on=held,
                              participants=parts, proposer_views=views)

    def _co_opinion(self, c):
        text = self.rng.choice(C.CO_OPINIONS).format(self=self_word(c.name))
        A.send_co_opinion(self.g.liaison(c), self.ctx.item_id, assignment=self.ctx.asg[c.pk], text=text)

    def _waive(self, c):
        A.waive_co_opinion(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[c.pk],
                           reason=f"经催办，{c.name}已口头表示同意主办单位意见，为不影响答复时限，同意豁免其书面会办意见。")

    def _message(self, user, body, answer=False):
        msg = A.post_message(user, self.ctx.item_id, body=body, reply_to_id=self.ctx.message_id if answer else None)
        if not answer:
            self.ctx.message_id = msg.pk

    def _instruct(self, leader, text):
        unit = getattr(self, "first_unit", None)
        A.give_instruction(leader, self.ctx.item_id, text=text.format(unit=unit.short_name if unit else "承办单位"))

    def _request_extension(self, u, want):
        A.request_extension(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], requested_due=want,
                            reason="该件涉及多个部门和较大资金投入，需进一步开展现场调研和方案论证，申请延期答复。")

    def _decide_extension(self, u):
        A.decide_extension(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=True, note="同意延期，请在延长期限内高质量完成答复。")

    def _draft_reply(self, u, kwargs):
        A.draft_reply(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], contact_person=self.g.liaison(u).first_name, **kwargs)

    def _convert_reply(self, u, kwargs):
        A.convert_reply_type(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], contact_person=self.g.liaison(u).first_name, **kwargs)

    def _reply_step(self, fn, u, who, **kw):
        fn(who(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], **kw)

    def _send(self, u):
        reply = A.send_reply(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk])
        if not reply.is_conversion:
            self.ctx.reply[u.pk] = reply.pk

    def _feedback(self, u, grade, agrees, praise, cos):
        co_grades = {c.pk: self.rng.choice(["good", "good", "fair"]) for c in cos}
        comment = self.rng.choice(C.FEEDBACK_COMMENTS[grade])
        A.give_feedback(self.proposer, self.ctx.item_id, reply_id=self.ctx.reply[u.pk], grade=grade, agrees=agrees, comment=comment,
                        praise=praise, co_grades=co_grades)

    def _no_feedback(self, u):
        A.record_no_feedback(self.g.office, self.ctx.item_id, reply_id=self.ctx.reply[u.pk])

    def _mediation(self, lead):
        s = self.s
        ao_name = OFFICE_NAMES[s.assembly]
        A.record_mediation(self.g.office, self.ctx.item_id, held_on=django_timezone.localdate(),
                           participants=f"区政府办公室、{ao_name}、{lead.short_name}、{s.person.name}{s.person_title}",
                           outcome=f"经协调，{lead.short_name}将进一步完善办理措施，明确时间节点，在一个月内作出第二次答复。")

    def _progress(self, u, text):
        A.report_progress(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text)

    def _file_closure(self, u, text, done):
        A.file_closure_report(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text, done_on=done)

