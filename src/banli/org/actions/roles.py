"""What an account may do: its roles (区府办, 提案委/代表工委, 区领导), the member or deputy it acts
for (Person.user), and a district leader's portfolio (the units whose supervising leader they
are). Liaisons and unit leaders are set on the unit (units.py), where their dates live."""

from django.db import IntegrityError, transaction

from banli.audit.service import record
from banli.errors import BanliError, invalid

from ..models import Assembly, Person, StaffRole, Unit
from .office import require_office, row_by_id, text
from .users import user_for_office


@transaction.atomic
def add_role(actor, user_id, *, kind, assembly="", title=""):
    """Give the account a role; giving a role it holds again only updates its title."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    if kind not in StaffRole.Kind.values:
        raise invalid("kind", "请选择角色。", "Choose a role.")
    if kind == StaffRole.Kind.ASSEMBLY_OFFICE:
        if assembly not in Assembly.values:
            raise invalid("assembly", "提案委/代表工委须选择会别（政协或人大）。", "An assembly office role needs its assembly.")
    else:
        assembly = ""  # only the assembly offices belong to one assembly
    title = text(title, "title", "职务", max_length=40)
    role = StaffRole.objects.filter(user=user, kind=kind, assembly=assembly).first()
    if role is not None:
        if role.title == title:
            return role
        before = {"title": role.title}
        role.title = title
        role.save(update_fields=["title"])
        record(actor=actor, action="update_role", target=role, before=before, after={"title": title}, note=f"用户 {user.username}")
        return role
    role = StaffRole.objects.create(user=user, kind=kind, assembly=assembly, title=title)
    record(actor=actor, action="add_role", target=role, after={"user": user.pk, "kind": kind, "assembly": assembly, "title": title},
           note=f"用户 {user.username}")
    return role


@transaction.atomic
def remove_role(actor, role_id):
    """Take a role away. The office's own office role stays, so that it cannot lock itself out:
    another member of the office removes it."""
    require_office(actor)
    role = row_by_id(StaffRole, role_id)
    user = user_for_office(actor, role.user_id)
    if user.pk == actor.pk and role.kind == StaffRole.Kind.GOV_OFFICE:
        raise BanliError("own_account", "不能撤销自己的区府办角色，请由区府办的其他人员操作。",
                         "You cannot remove your own office role; another member of the office can.")
    before = {"user": user.pk, "kind": role.kind, "assembly": role.assembly, "title": role.title}
    record(actor=actor, action="remove_role", target=role, before=before, after={}, note=f"用户 {user.username}")
    role.delete()
    return user


@transaction.atomic
def link_person(actor, user_id, *, person_id):
    """Let the account act for a member or deputy (or a collective): it files and reads that
    person's items. One account per person, and per assembly one person per account."""
    require_office(actor)
    user = user_for_office(actor, user_id, for_update=True)
    person = row_by_id(Person, person_id)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise invalid("person_id", f"{person.name}已关联另一个账号，请先解除。", f"{person.name} is linked to another account; unlink it first.")
    if Person.objects.filter(user=user, assembly=person.assembly).exists():
        raise invalid("person_id", f"该账号已关联一位{person.get_assembly_display()}的委员/代表。",
                      "The account already acts for a person of that assembly.")
    person.user = user
    try:
        with transaction.atomic():
            person.save(update_fields=["user"])
    except IntegrityError:
        raise invalid("person_id", "该账号已关联同一会别的委员/代表。", "The account already acts for a person of that assembly.") from None
    record(actor=actor, action="link_person", target=person, before={"user": None}, after={"user": user.pk}, note=f"用户 {user.username}")
    return person


@transaction.atomic
def unlink_person(actor, person_id):
    """The account no longer acts for the person; returns that account (None if there was none)."""
    require_office(actor)
    person = row_by_id(Person, person_id)
    if person.user_id is None:
        return None
    user = user_for_office(actor, person.user_id)
    record(actor=actor, action="unlink_person", target=person, before={"user": user.pk}, after={"user": None}, note=f"用户 {user.username}")
    person.user = None
    person.save(update_fields=["user"])
    return user


@transaction.atomic
def set_portfolio(actor, leader_id, *, unit_ids):
    """The units a district leader supervises (分管): the listed units get them as supervising
    leader (taken from whoever had them), their other units are left without one. One audit row
    per unit that changes, naming the leader before and after."""
    require_office(actor)
    leader = user_for_office(actor, leader_id)
    if not leader.is_active or not StaffRole.objects.filter(user=leader, kind=StaffRole.Kind.DISTRICT_LEADER).exists():
        raise invalid("leader", "只能为在用的区领导设置分管单位。", "Only an active district leader has a portfolio.")
    try:
        wanted = {int(u) for u in unit_ids}
    except (TypeError, ValueError):
        raise invalid("unit_ids", "所选单位无效，请刷新页面后重选。", "A chosen unit is not valid; reload and choose again.") from None
    units = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=wanted | set(
        Unit.objects.filter(supervising_leader=leader).values_list("pk", flat=True)))}
    if wanted - set(units):
        raise invalid("unit_ids", "所选单位不存在，请刷新页面后重选。", "A chosen unit does not exist; reload and choose again.")
    changed = []
    for pk, unit in sorted(units.items()):
        new = leader.pk if pk in wanted else None
        if unit.supervising_leader_id == new:
            continue
        record(actor=actor, action="update_unit", target=unit, before={"supervising_leader_id": unit.supervising_leader_id},
               after={"supervising_leader_id": new}, note=f"分管区领导 {leader.username}")
        unit.supervising_leader_id = new
        unit.save(update_fields=["supervising_leader"])
        changed.append(unit)
    return changed
