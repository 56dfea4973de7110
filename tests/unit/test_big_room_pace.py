"""How a big room paces the fetches its pushes ask every phone for."""

from __future__ import annotations

from facilitation import big_room


def test_small_rooms_fetch_at_once_and_big_ones_at_a_pace_the_server_can_answer() -> None:
    pace = big_room.FetchPace()
    assert pace.spread_ms(40) == 0
    assert pace.spread_ms(big_room.SPREAD_FROM - 1) == 0
    for _ in range(200):
        pace.record(0.02)  # a ballot that takes 20 ms to answer
    assert abs(pace.seconds - 0.02) < 0.001
    # 1,000 phones x 20 ms is 20 s of work: spread so it takes FETCH_SHARE of one core.
    assert abs(pace.spread_ms(1000) - 1000 * 1000 * 0.02 / big_room.FETCH_SHARE) < 1000
    assert abs(pace.spread_ms(2000) - 2 * pace.spread_ms(1000)) <= 1
    for _ in range(200):
        pace.record(0.002)  # a quicker part
    assert abs(pace.spread_ms(1000) - 1000 * 1000 * 0.002 / big_room.FETCH_SHARE) < 200
    assert pace.spread_ms(5, spread_from=5) > 0
