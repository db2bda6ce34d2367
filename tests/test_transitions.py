import pytest

from qualitygov.core.errors import ConflictError
from qualitygov.core.transitions import apply_transition
from qualitygov.planimport.choices import IMPORT_TRANSITIONS
from qualitygov.planimport.models import PlanImport


def test_named_transition_moves_and_returns_the_old_state():
    plan_import = PlanImport(status="preview")
    assert apply_transition(plan_import, IMPORT_TRANSITIONS, "confirm") == "preview"
    assert plan_import.status == "confirmed"


def test_a_transition_from_a_state_that_does_not_allow_it_is_refused_and_changes_nothing():
    plan_import = PlanImport(status="cancelled")
    with pytest.raises(ConflictError) as refused:
        apply_transition(plan_import, IMPORT_TRANSITIONS, "confirm")
    assert refused.value.message == "当前状态为“已取消”，不能进行此操作。"
    assert plan_import.status == "cancelled"
