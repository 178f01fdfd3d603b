"""Who reads the reports: the government office and the administrator for both assemblies, an
assembly office for its own, a district leader for both (leaders supervise the whole work)."""

from banli.errors import forbidden
from banli.proposals.access import actor_for


def may_read_reports(user, assembly: str | None = None) -> bool:
    a = actor_for(user)
    if a.gov_office or a.is_admin or a.district_leader:
        return True
    return bool(a.assembly_offices) and (assembly is None or assembly in a.assembly_offices)


def check_reports(user, assembly: str | None = None) -> None:
    if not may_read_reports(user, assembly):
        raise forbidden("您无权查看该统计报告。", "You may not read this report.")
