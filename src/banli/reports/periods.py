"""The period a report covers (a session, a term or a calendar year of one assembly) and the one
before it, which every figure is compared with."""

from dataclasses import dataclass

from django.db.models import Q

from banli.errors import invalid
from banli.org.models import WORDING, Assembly, Session, Term

KINDS = ("session", "term", "year")


@dataclass(frozen=True)
class Period:
    kind: str
    assembly: str
    value: int  # session id, term id or year
    label: str

    def items(self, prefix: str = "") -> Q:
        """The filter that picks this period's items (prefix: the path to the item, e.g. "item__")."""
        field = {"session": "session_id", "term": "session__term_id", "year": "session__year"}[self.kind]
        return Q(**{f"{prefix}{field}": self.value, f"{prefix}assembly": self.assembly})

    def as_dict(self) -> dict:
        return {"kind": self.kind, "assembly": self.assembly, "value": self.value, "label": self.label}


# How the office names this period and the one before: 上届 is the term before, not a session or a year.
COMPARISON_WORDS = {"session": ("本次会议", "上次会议"), "term": ("本届", "上届"), "year": ("本年度", "上年度")}


def comparison_words(kind: str) -> tuple[str, str]:
    return COMPARISON_WORDS[kind]


def session_label(s: Session) -> str:
    return f"{WORDING[s.assembly]['assembly']}{s.term.name}{s.name}"


def period(kind: str, value, assembly: str | None = None) -> Period:
    """The period named by a page or API request; a bad name is refused with a clear message."""
    if kind not in KINDS:
        raise invalid("kind", "统计范围应为会次、届或年度。", "The period must be a session, a term or a year.")
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise invalid("value", "请选择统计的会次、届或年度。", "Choose the session, term or year.") from None
    if kind == "session":
        s = Session.objects.select_related("term").filter(pk=value).first()
        if s is None:
            raise invalid("value", "会次不存在。", "No such session.")
        return Period("session", s.assembly, s.pk, session_label(s))
    if kind == "term":
        t = Term.objects.filter(pk=value).first()
        if t is None:
            raise invalid("value", "届次不存在。", "No such term.")
        return Period("term", t.assembly, t.pk, f"{WORDING[t.assembly]['assembly']}{t.name}")
    if assembly not in Assembly.values:
        raise invalid("assembly", "请选择政协或人大。", "Choose the CPPCC or the congress.")
    if not 1990 <= value <= 2100:
        raise invalid("value", "年度不正确。", "Not a valid year.")
    return Period("year", assembly, value, f"{value}年{WORDING[assembly]['assembly']}")


def previous(p: Period) -> Period | None:
    """The period before: the session before in time (across terms), the term before, the year before."""
    if p.kind == "session":
        current = Session.objects.get(pk=p.value)
        before = (Session.objects.select_related("term").filter(assembly=p.assembly, opens_on__lt=current.opens_on)
                  .order_by("-opens_on", "-id").first())
        return Period("session", p.assembly, before.pk, session_label(before)) if before else None
    if p.kind == "term":
        current = Term.objects.get(pk=p.value)
        before = Term.objects.filter(assembly=p.assembly, ordinal__lt=current.ordinal).order_by("-ordinal").first()
        return Period("term", p.assembly, before.pk, f"{WORDING[p.assembly]['assembly']}{before.name}") if before else None
    return Period("year", p.assembly, p.value - 1, f"{p.value - 1}年{WORDING[p.assembly]['assembly']}")
