"""One function per business step. Every door (API, pages, commands, tasks) calls these."""

from .assignment import assign, decide_adjustment, reassign, request_adjustment, sign
from .closure import approve_closure_report, file_closure_report, reopen, report_progress, return_closure_report
from .communication import add_attachment, answer_question, ask_question, mark_answers_read, mark_messages_read, post_message
from .drafting import create_draft, edit_draft, invite_cosigners, respond_cosign, set_publication_consent, submit, withdraw
from .feedback import give_feedback, record_mediation, record_no_feedback
from .handling import consultation_window, grade_co_unit, record_consultation, send_co_opinion, waive_co_opinion
from .publication import decide_publication, revoke_publication
from .registration import convert, decide_withdrawal, merge, register, reject, request_withdrawal, return_for_revision
from .replies import (
    approve_reply, convert_reply_type, decide_extension, draft_reply, leader_approve_reply, leader_return_reply, request_extension,
    return_reply, send_reply, submit_reply,
)
from .supervision import give_instruction, mark_key, unmark_key, urge

__all__ = [name for name in dir() if not name.startswith("_")]
