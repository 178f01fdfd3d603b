"""Open data (documented on /public/data/): the published items with their published replies as
JSON (paged) and CSV (the whole list, streamed), and each closed session's yearly figures as JSON
and CSV. The same rule as the pages (rules.py), the same named fields."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from banli.exports import FORMULA_START

from . import rules, selectors
from .cache import LISTS, cached

JSON_PAGE = 500
CSV_CHUNK = 1000
CSV_COLUMNS = ["id", "编号", "会别", "会次", "年度", "类别", "标题", "领衔人", "界别", "联名人", "承办单位", "答复类型", "答复日期", "公开日期",
               "案由", "建议", "链接"]
ASSEMBLY = {"cppcc": "政协", "npc": "人大"}


def records(item_rows: list[dict]) -> list[dict]:
    """The open-data record of each item row (rules.ITEM_FIELDS): a fixed number of queries."""
    ids = [r["id"] for r in item_rows]
    units, cosigners, replies = defaultdict(list), defaultdict(list), defaultdict(list)
    for item_id, role, unit_id, name in rules.public_units(ids).values_list(*rules.UNIT_FIELDS):
        units[item_id].append({"unit": name, "role": role})
    for c in rules.public_cosigners(ids).values(*rules.COSIGNER_FIELDS):
        cosigners[c["item_id"]].append({"name": c["person__name"], "sector": c["person__sector"]})
    for r in rules.published_replies(ids).values(*rules.REPLY_FIELDS):
        replies[r["item_id"]].append({"unit": r["assignment__unit__name"], "type": r["reply_type__code"], "type_name": r["reply_type__name"],
                                      "sent_at": r["sent_at"], "signatory": r["signatory"], "body": r["body"], "promise": r["promise"]})
    return [{"id": r["id"], "number": selectors.label(r), "assembly": r["assembly"], "session": selectors.session_label(r["assembly"], r["session__name"]), "year": r["session__year"],
             "category": r["category__name"], "title": r["title"], "reason": r["reason"], "suggestions": r["suggestions"],
             "proposer": r["proposer__name"], "sector": r["proposer__sector"], "cosigners": cosigners[r["id"]], "units": units[r["id"]],
             "reply_type": r["reply_type__code"], "replies": replies[r["id"]], "published_at": r["published_at"],
             "url": f"/public/items/{r['id']}/"} for r in item_rows]


def _json(data) -> HttpResponse:
    return HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")


@require_safe
@cached(lambda request: [LISTS])
def items_json(request):
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except (TypeError, ValueError):
        page = 1
    qs = rules.public_items()
    total = qs.count()
    rows = list(qs.values(*rules.ITEM_FIELDS)[(page - 1) * JSON_PAGE:page * JSON_PAGE])
    pages = max(1, -(-total // JSON_PAGE))
    return _json({"count": total, "page": page, "pages": pages,
                  "next": f"/public/data/items.json?page={page + 1}" if page < pages else None, "items": records(rows)})


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run: text that starts like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text  # the same starts as the workbooks' (banli.exports)


def _csv_line(values) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow([safe_cell(v) for v in values])
    return buf.getvalue()


def _csv_rows():
    yield "\ufeff" + _csv_line(CSV_COLUMNS)  # the byte-order mark: Excel then reads the file as UTF-8
    last = None
    while True:
        qs = rules.public_items().order_by("-id")
        if last is not None:
            qs = qs.filter(pk__lt=last)
        rows = list(qs.values(*rules.ITEM_FIELDS)[:CSV_CHUNK])
        if not rows:
            return
        for rec in records(rows):
            first = rec["replies"][0] if rec["replies"] else {}
            yield _csv_line([rec["id"], rec["number"], ASSEMBLY.get(rec["assembly"], rec["assembly"]), rec["session"], rec["year"],
                             rec["category"], rec["title"], rec["proposer"], rec["sector"], "、".join(c["name"] for c in rec["cosigners"]),
                             "、".join(u["unit"] for u in rec["units"]), rec["reply_type"],
                             first.get("sent_at").date().isoformat() if first.get("sent_at") else "",
                             rec["published_at"].date().isoformat(), rec["reason"], rec["suggestions"], rec["url"]])
        last = rows[-1]["id"]


@require_safe
def items_csv(request):
    response = StreamingHttpResponse(_csv_rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''items.csv"
    return response


@require_safe
@cached(lambda request, session_id: [f"session:{session_id}"])
def figures_json(request, session_id):
    return _json(selectors.session_figures(session_id))


@require_safe
@cached(lambda request, session_id: [f"session:{session_id}"])
def figures_csv(request, session_id):
    data = selectors.session_figures(session_id)
    f = data["figures"]
    lines = [_csv_line(["指标", "名称", "件数", "占比%"])]
    for key in ("received", "replied", "closed", "feedback", "key_items", "key_closed", "c_items", "contacts_all_three"):
        lines.append(_csv_line([key, "", f.get(key), ""]))
    for group in ("by_category", "by_reply_type", "by_grade"):
        for row in f.get(group, []):
            lines.append(_csv_line([group, row.get("name") or row.get("code"), row["count"], row.get("share", "")]))
    for row in f.get("top_units", []):
        lines.append(_csv_line(["top_units", row["name"], row["items"], row["share"]]))
    response = HttpResponse("\ufeff" + "".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''figures-{data['session']['id']}.csv"
    return response
