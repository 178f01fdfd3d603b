"""Each official document from its request to its bytes: fetch and authorise (access.py), give
the 文号 once (numbering.py), say what it says (content.py), lay it out (pdf.py, docx.py)."""

import io
import zipfile

from django.utils import timezone

from banli.errors import invalid

from . import access, content, docx, pdf, selectors
from .models import DocumentKind
from .numbering import Target, number_documents

OFFICE = "office"


def _year(dt) -> int | None:
    """The year of a document's date: the day it was assigned, sent or approved."""
    return timezone.localtime(dt).year if dt else None


def _unit_target(record_id, unit, dated) -> Target:
    return Target(record_id, f"unit:{unit.pk}", content.unit_short(unit), _year(dated))


def notice_paper(user, item_id, assignment_id) -> content.Paper:
    mine, rows = access.notice(user, item_id, assignment_id)
    head = selectors.letterhead()
    number = number_documents(DocumentKind.NOTICE, [Target(mine.pk, OFFICE, head.issuer_short, _year(mine.assigned_at))], pattern=head.number_pattern,
                              actor=user)[mine.pk]
    return content.notice(head, number, mine, [a for a in rows if a.pk != mine.pk])


def reply_paper(user, item_id, reply_id) -> content.Paper:
    reply = access.reply_letter(user, item_id, reply_id)
    head = selectors.letterhead()
    number = number_documents(DocumentKind.REPLY, [_unit_target(reply.pk, reply.assignment.unit, reply.sent_at)], pattern=head.number_pattern,
                              actor=user)[reply.pk]
    return content.reply_letter(head, number, reply)


def closure_paper(user, item_id, report_id) -> content.Paper:
    report = access.closure_report(user, item_id, report_id)
    head = selectors.letterhead()
    number = number_documents(DocumentKind.CLOSURE, [_unit_target(report.pk, report.assignment.unit, report.decided_at)], pattern=head.number_pattern,
                              actor=user)[report.pk]
    return content.closure_report(head, number, report)


def batch_papers(user, params) -> list[content.Paper]:
    """The notices of the items the list shows with these filters, numbered together."""
    access.check_office(user)
    pairs = selectors.batch_notices(user, params)
    if not pairs:
        raise invalid(None, "筛选出的件中没有已交办的，没有交办单可打印。", "None of the items listed has been assigned: no notices to print.")
    head = selectors.letterhead()
    numbers = number_documents(DocumentKind.NOTICE, [Target(a.pk, OFFICE, head.issuer_short, _year(a.assigned_at)) for a, _ in pairs],
                               pattern=head.number_pattern, actor=user)
    return [content.notice(head, numbers[a.pk], a, [o for o in others if o.pk != a.pk]) for a, others in pairs]


def as_pdf(papers) -> bytes:
    return pdf.render(list(papers))


def as_docx(paper) -> bytes:
    return docx.render(paper)


def as_zip(papers) -> bytes:
    """One Word file per notice; names made unique where two would clash."""
    buf = io.BytesIO()
    seen = {}
    # Stored, not deflated: a .docx is a ZIP already, compressing it again gains nothing.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for paper, data in zip(papers, docx.render_many(papers)):
            n = seen[paper.file_stem] = seen.get(paper.file_stem, 0) + 1
            name = paper.file_stem + (f"-{n}" if n > 1 else "") + ".docx"
            z.writestr(name, data)
    return buf.getvalue()
