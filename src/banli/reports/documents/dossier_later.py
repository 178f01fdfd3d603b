"""The later sections of one item's dossier (一案一册): publication, supervision and mediation,
messages and attachments, time limits, the whole trail. A part of dossier._Builder, kept apart for size; they
read the same read model (self.view) as every other section."""

from banli.deadlines.models import OVERDUE_LABEL
from banli.proposals.models import PublicationRecord, Reply

from .dossier_blocks import Fields, Note, Section, Subheading, Table, fmt_date, fmt_time, person_name, yes_no


class LaterSections:
    # -- 12. publication ------------------------------------------------------------------------
    def publication(self) -> Section:
        item, w = self.item, self.w
        sent = [r for r in self.replies if r.state == Reply.State.SENT]
        rows = [(f"{w['person']}意愿", yes_no(item.consent_publish, "同意公开", "不同意公开"))]
        if sent:
            last = sent[-1]
            rows.append(("承办单位建议", last.get_recommendation_display() + (f"（{last.withhold_reason}）" if last.withhold_reason else "")))
        rows.append(("公开状态", item.get_publication_display()))
        rows.append(("决定期限", self.deadline_text("publication")))
        blocks = [Fields(tuple((k, v) for k, v in rows if v))]
        recs = self.view.publication_records
        if recs:
            def what(rec):
                label = self.words(rec.get_kind_display())
                return label + ("：" + yes_no(rec.consent, "同意公开", "不同意公开") if rec.kind == PublicationRecord.Kind.CONSENT else "")

            actions = {"consent": "set_publication_consent", "publish": "decide_publication", "withhold": "decide_publication",
                       "revoke": "revoke_publication"}
            blocks.append(Table(("时间", "事项", "经办人", "理由"),
                                tuple((fmt_time(rec.at), what(rec), self.trail.who(rec, actions[rec.kind]) or self._item_actor(actions[rec.kind], rec), rec.reason)
                                      for rec in recs),
                                (37, 35, 28, 70)))
        return Section("publication", "公开", blocks)

    def _item_actor(self, action, rec) -> str:
        # Consent is audited on the item, not on its publication record: match it by time.
        rows = [r for r in self.trail.actions(action) if abs((r.at - rec.at).total_seconds()) < 5]
        return person_name(rows[0].actor) if rows else ""

    # -- supervision, time limits, the whole trail ---------------------------------------------
    def supervision(self) -> Section:
        item, w = self.item, self.w
        blocks = [Fields(((f"重点{w['item']}", "是" if item.is_key else "否"),)
                         + ((("牵头督办领导", person_name(item.key_leader)),) if item.key_leader else ()))]
        instructions = self.view.instructions
        if instructions:
            blocks.append(Subheading("领导批示"))
            blocks.append(Table(("时间", "领导", "批示内容"), tuple((fmt_time(i.at), person_name(i.leader), i.text) for i in instructions), (37, 28, 105)))
        urges = self.view.urges
        if urges:
            blocks.append(Subheading("催办"))
            blocks.append(Table(("时间", "被催办单位", "催办内容", "经办人"),
                                tuple((fmt_time(u.at), u.unit.name, u.text, self.trail.who(u, "urge")) for u in urges), (37, 35, 75, 23)))
        mediations = self.view.mediations
        if mediations:
            blocks.append(Subheading("协调会"))
            blocks.append(Table(("日期", "参加人员", "协调结果"), tuple((fmt_date(m.held_on), m.participants, m.outcome) for m in mediations), (27, 60, 83)))
        if len(blocks) == 1 and not item.is_key:
            blocks.append(Note("无领导批示、催办或协调记录。"))
        return Section("supervision", "督办与协调", blocks)

    def talk(self) -> Section:
        """沟通互动 and attachments: what the item page and the API show, the archive keeps too."""
        blocks = []
        msgs = self.view.messages
        if msgs:
            side = {"proposer": self.w["person"], "unit": "承办单位", "office": "区府办", "assembly_office": self.w["office"]}
            rows = tuple((fmt_time(m.at), side.get(m.side, m.side) + (f"（{m.unit.name}）" if m.unit else ""),
                          m.to_unit.name if m.to_unit else "", m.body) for m in msgs)
            blocks.append(Table(("时间", "留言方", "发给", "内容"), rows, (37, 35, 28, 70)))
        files = self.view.attachments
        if files:
            blocks.append(Subheading("附件"))
            blocks.append(Table(("上传时间", "文件名", "大小"), tuple((fmt_time(f.at), f.name, f"{max(1, f.size // 1024)} KB") for f in files),
                                (37, 103, 30)))
        if not blocks:
            blocks.append(Note("无留言和附件。"))
        return Section("talk", "沟通互动与附件", blocks)

    def time_limits(self) -> Section:
        rows = []
        for d in self.deadlines:
            if getattr(d, "overdue", None) is not None:
                state = f"{self.words(OVERDUE_LABEL[d.kind])} {d.overdue.days_late} 个工作日"
            else:
                state = d.get_state_display()
            rows.append((self.words(d.get_kind_display()), d.unit.name if d.unit else "", fmt_date(d.due_on), fmt_date(d.met_on), state))
        if not rows:
            return Section("time_limits", "办理时限", [Note("无办理时限记录。")])
        late = sum(1 for d in self.deadlines if getattr(d, "overdue", None) is not None)
        return Section("time_limits", "办理时限", [
            Fields((("超期环节", f"{late} 个"),)),
            Table(("环节", "责任单位", "期限", "完成日期", "情况"), tuple(rows), (30, 45, 28, 28, 39)),
        ])

    def trail_section(self) -> Section:
        rows = tuple((fmt_time(r.at), self.action_label(r.action), person_name(r.actor), r.note) for r in self.trail.records)
        return Section("trail", "办理过程记录", [Table(("时间", "操作", "操作人", "说明"), rows, (37, 38, 30, 65))])
