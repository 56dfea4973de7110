"""The server's deadlines leave a phone on slow hospital Wi-Fi ten times what it needs, and
never end a live connection before engine.io would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from facilitation.config import DEFAULTS
from facilitation.serving.limits import ServingLimits

SLOW_PHONE = 50_000  # bytes a second
LIMITS = ServingLimits()


@given(st.integers(min_value=0, max_value=LIMITS.largest_body))
def test_a_slow_phone_has_ten_times_what_it_needs_for_any_body_or_answer(size: int) -> None:
    needs = size / SLOW_PHONE
    assert LIMITS.body_seconds(size) >= 10 * needs
    assert LIMITS.send_seconds(size) >= 10 * needs
    assert LIMITS.live_seconds(size) >= 10 * needs


@given(st.integers(min_value=LIMITS.largest_body, max_value=10**12) | st.none())
def test_a_body_larger_than_the_app_takes_gets_no_longer_than_the_largest(size: int | None) -> None:
    assert LIMITS.body_seconds(size) == LIMITS.body_seconds(LIMITS.largest_body)


@given(st.floats(min_value=0.1, max_value=3600), st.floats(min_value=0.1, max_value=3600))
def test_a_websocket_may_stay_quiet_longer_than_engineio_allows(interval: float,
                                                                timeout: float) -> None:
    class App:
        config = {**DEFAULTS, "PING_INTERVAL": interval, "PING_TIMEOUT": timeout}

    assert ServingLimits.of(App()).live_seconds(0) > interval + timeout


def test_behind_a_proxy_every_connection_shares_its_address_so_there_is_no_cap() -> None:
    class App:
        config = {**DEFAULTS, "BEHIND_PROXY": True}

    assert ServingLimits.of(App()).per_address == 0
    App.config["BEHIND_PROXY"] = False
    assert ServingLimits.of(App()).per_address == DEFAULTS["CONNECTIONS_PER_ADDRESS"]
