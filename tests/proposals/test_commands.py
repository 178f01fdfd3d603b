"""The command registry: one name per step, one call for every action, and the table's target
state applied by the table."""

import inspect

import pytest

from banli.proposals import actions
from banli.proposals.actions.common import Step
from banli.proposals.commands import COMMANDS, OWN_DOOR
from banli.proposals.models import ItemState
from banli.proposals.workflow import TABLE
from tests.builders import fresh, make_item


def test_every_step_of_the_table_has_one_name():
    assert set(COMMANDS) | OWN_DOOR == set(TABLE)
    for name, cmd in COMMANDS.items():
        # The table's action, the function and the registry key are one word.
        assert cmd.action.__name__ == name == cmd.transition.action
        assert getattr(actions, name) is cmd.action
    assert callable(getattr(actions, "edit_draft"))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_input_is_what_the_function_takes(name):
    """One generic call fits every action: each input is a keyword of the function, and every
    keyword the function needs is an input."""
    cmd = COMMANDS[name]
    params = inspect.signature(inspect.unwrap(cmd.action)).parameters
    assert list(params)[:2] == ["user", "item_id"]
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    keywords = {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY}
    needed = {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
    assert needed <= set(cmd.inputs), f"{name} needs {needed - set(cmd.inputs)}"
    assert takes_any or set(cmd.inputs) <= keywords, f"{name} does not take {set(cmd.inputs) - keywords}"
    # An action the table scopes to one unit takes the assignment as a keyword.
    assert ("assignment" in keywords) == (cmd.transition.scope == "assignment")
    assert ("assignment" in cmd.inputs) == (cmd.transition.scope == "assignment")


def test_no_positional_argument_beyond_the_item():
    for name in TABLE:
        params = inspect.signature(inspect.unwrap(getattr(actions, name))).parameters.values()
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert positional == ["user", "item_id"], name


def test_a_step_can_only_lead_where_the_table_says():
    step = Step(user=None, actor=None, item=None, action="assign")
    with pytest.raises(AssertionError):
        step.decide_state(ItemState.HANDLING)  # the table says 交办 leads to 已交办
    step = Step(user=None, actor=None, item=None, action="decide_withdrawal")
    with pytest.raises(AssertionError):
        step.advance()  # the action decides: the table has no target


@pytest.mark.django_db
@pytest.mark.parametrize("name,state,data", [
    ("register", "submitted", {}),
    ("reject", "submitted", {"reason": "不属于提案范围"}),
    ("return_for_revision", "submitted", {"reason": "请补充建议部分"}),
    ("convert", "submitted", {"to": "意见建议"}),
    ("assign", "registered", "units"),
])
def test_the_table_target_is_where_the_item_goes(world, name, state, data):
    item = make_item(world, state)
    if data == "units":
        data = {"lead": world.lead_unit.pk}
    user = world.gov_office if name == "assign" else world.assembly_office(item.assembly)
    inputs = COMMANDS[name].input_serializer()(data=data)
    assert inputs.is_valid(), inputs.errors
    COMMANDS[name].run(user, item.pk, inputs.validated_data)
    assert fresh(item).state == TABLE[name].to_state
