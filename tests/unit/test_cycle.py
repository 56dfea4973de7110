"""The cycle's rules, without Flask or a database."""

import pytest

from facilitation import cycle


def test_phases_run_lobby_then_the_four_d_cycle_then_closed() -> None:
    assert [p.key for p in cycle.PHASES] == [
        "lobby", "define", "discover", "dream", "design", "deliver", "closed"]
    assert cycle.METHOD_PHASES == ("define", "discover", "dream", "design", "deliver")


def test_only_the_five_method_phases_take_contributions() -> None:
    open_phases = [p.key for p in cycle.PHASES if p.open_for_contributions]
    assert tuple(open_phases) == cycle.METHOD_PHASES


def test_step_forward_and_back() -> None:
    assert cycle.step("lobby", "forward") == "define"
    assert cycle.step("deliver", "forward") == "closed"
    assert cycle.step("dream", "back") == "discover"
    assert cycle.step("define", "back") == "lobby"


@pytest.mark.parametrize(("key", "direction", "message"), [
    ("closed", "forward", "already closed"),
    ("lobby", "back", "first step"),
    ("dream", "sideways", "forward or back"),
    ("nowhere", "forward", "no phase called"),
])
def test_impossible_moves_are_refused_with_a_reason(key: str, direction: str, message: str) -> None:
    with pytest.raises(cycle.CycleError, match=message):
        cycle.step(key, direction)


def test_position_labels_count_only_method_phases() -> None:
    assert cycle.position("define") == (1, 5)
    assert cycle.position("deliver") == (5, 5)
    assert cycle.position("lobby") == (0, 5)
