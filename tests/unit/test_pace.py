"""How a big room paces the fetches its pushes ask every phone for."""

from __future__ import annotations

from facilitation.live import pace as pacing


def test_small_rooms_fetch_at_once_and_big_ones_at_a_pace_the_server_can_answer() -> None:
    pace = pacing.FetchPace()
    assert pace.spread_ms("my-votes", 40) == 0
    assert pace.spread_ms("my-votes", pacing.SPREAD_FROM - 1) == 0
    for _ in range(200):
        pace.record("my-votes", 0.02)  # a ballot that takes 20 ms to answer
    assert abs(pace.seconds["my-votes"] - 0.02) < 0.001
    # 1,000 phones x 20 ms is 20 s of work: spread so it takes FETCH_SHARE of one core.
    assert abs(pace.spread_ms("my-votes", 1000) - 1000 * 1000 * 0.02 / pacing.FETCH_SHARE) < 1000
    assert abs(pace.spread_ms("my-votes", 2000) - 2 * pace.spread_ms("my-votes", 1000)) <= 1
    assert pace.spread_ms("my-votes", 5, spread_from=5) > 0


def test_each_part_is_spread_by_its_own_cost() -> None:
    """A phase change's panel takes a few ms, a big ballot tens: the panel is not held back
    by the ballot's pace, nor the ballot rushed by the panel's."""
    pace = pacing.FetchPace()
    for _ in range(200):
        pace.record("my-votes", 0.02)
        pace.record("my-panel", 0.002)
    assert abs(pace.spread_ms("my-panel", 1000) - 1000 * 1000 * 0.002 / pacing.FETCH_SHARE) < 200
    assert pace.spread_ms("my-votes", 1000) > 8 * pace.spread_ms("my-panel", 1000)
    # A part never fetched yet is spread by the first guess.
    assert pace.spread_ms("my-teams", 1000) == round(
        1000 * 1000 * pacing.FIRST_GUESS / pacing.FETCH_SHARE)
