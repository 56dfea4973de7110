"""The limits themselves, counted by the `limits` package in this process's memory: who is
counted, who never is, and that a wait ends."""

from __future__ import annotations

import logging
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.services.access import Actor
from facilitation.services.errors import TooMany
from facilitation.services.limits import Limits, Rates, rate, storage_for
from tests.conftest import free_port


def refusal(check, *args: object) -> TooMany | None:
    try:
        check(*args)
    except TooMany as exc:
        return exc
    return None


def test_sharing_counts_the_person_and_the_phone_they_joined_from() -> None:
    limits = Limits(Rates(sharing="3 per hour"))
    first = Actor(1, "participant", "p-first", device="phone-1")
    again = Actor(1, "participant", "p-again", device="phone-1")  # re-joined, same phone
    for _ in range(2):
        limits.check_sharing(first)
    limits.check_sharing(again)
    refused = refusal(limits.check_sharing, again)
    assert refused is not None and refused.status == 429
    assert "Please wait" in refused.message and "your text is kept" in refused.message
    assert 3000 < refused.retry_after <= 3600
    # someone on another phone, and the facilitator, carry on
    limits.check_sharing(Actor(1, "participant", "p-other", device="phone-2"))
    facilitator = Actor(1, "facilitator", device="phone-1")
    for _ in range(10):
        limits.check_sharing(facilitator)


def test_a_person_is_limited_even_without_a_device_id() -> None:
    limits = Limits(Rates(sharing="2 per hour"))
    person = Actor(1, "participant", "p-1")
    limits.check_sharing(person)
    limits.check_sharing(person)
    assert refusal(limits.check_sharing, person) is not None


def test_live_events_are_counted_per_connection_and_never_for_the_facilitator() -> None:
    limits = Limits(Rates(events="5 per hour"))
    phone = Actor(1, "participant", "p-1")
    for _ in range(5):
        limits.check_event("sid-1", phone)
    refused = refusal(limits.check_event, "sid-1", phone)
    assert refused is not None and refused.message.startswith("You're sending very fast.")
    limits.check_event("sid-2", phone)  # another connection has its own allowance
    for _ in range(50):
        limits.check_event("sid-3", Actor(1, "facilitator"))


def test_joining_again_from_one_browser_meets_the_same_allowance() -> None:
    limits = Limits(Rates(joins_per_device="3 per hour"))
    for _ in range(3):
        limits.check_join("phone-1", "192.0.2.1")
    refused = refusal(limits.check_join, "phone-1", "192.0.2.1")
    assert refused is not None
    assert refused.message.startswith("This browser has joined many times")
    # the same phone on another network is still the same phone
    assert refusal(limits.check_join, "phone-1", "198.51.100.7") is not None
    # the rest of the ward, on the same network, is not held up
    limits.check_join("phone-2", "192.0.2.1")


def test_a_whole_ward_behind_one_address_joins_within_half_a_minute() -> None:
    limits = Limits()  # the defaults
    for person in range(60):
        limits.check_join(f"phone-{person}", "192.0.2.1")
    for _ in range(60):  # and a script that keeps no cookies is counted by address only
        limits.check_join(None, "192.0.2.1")


def test_a_script_without_cookies_is_limited_by_its_address() -> None:
    limits = Limits(Rates(joins_per_address="4 per hour"))
    for _ in range(4):
        limits.check_join(None, "192.0.2.1")
    refused = refusal(limits.check_join, None, "192.0.2.1")
    assert refused is not None
    assert refused.message.startswith("Many people have just joined from this network")
    limits.check_join(None, "198.51.100.7")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([None, "phone-a", "phone-b", "phone-c"]),
                          st.sampled_from(["192.0.2.1", "198.51.100.7"])), max_size=40))
def test_joins_are_refused_exactly_when_a_device_or_an_address_has_had_its_allowance(
        attempts: list[tuple[str | None, str]]) -> None:
    """Whatever the order of joins, each is admitted or refused as this model says: the
    address first (a full network spends no phone's allowance), then the phone."""
    limits = Limits(Rates(joins_per_device="3 per hour", joins_per_address="5 per hour"))
    by_device: dict[str, int] = {}
    by_address: dict[str, int] = {}
    for device, address in attempts:
        if by_address.get(address, 0) >= 5:
            expected = "network"
        elif device and by_device.get(device, 0) >= 3:
            expected = "browser"
        else:
            expected = None
            by_address[address] = by_address.get(address, 0) + 1
            if device:
                by_device[device] = by_device.get(device, 0) + 1
        refused = refusal(limits.check_join, device, address)
        if expected is None:
            assert refused is None
        else:
            assert refused is not None and expected in refused.message


def test_wrong_codes_lock_an_address_out_and_the_lockout_ends_by_itself() -> None:
    limits = Limits(Rates(wrong_codes="3 per 2 seconds"))
    for _ in range(3):
        limits.check_lookup("192.0.2.1")
        limits.lookup_failed("192.0.2.1")
    refused = refusal(limits.check_lookup, "192.0.2.1")
    assert refused is not None and 1 <= refused.retry_after <= 2
    assert "Too many join codes" in refused.message
    limits.check_lookup("198.51.100.7")  # another network is not affected
    # Asking while locked out adds nothing, so the wait it was told is the wait it gets.
    for _ in range(5):
        assert refusal(limits.check_lookup, "192.0.2.1") is not None
    time.sleep(refused.retry_after + 0.1)
    limits.check_lookup("192.0.2.1")


@pytest.mark.parametrize("text", ["", "ten per minute", "0 per minute", "1/second;5/minute",
                                  "3 per 0.5 seconds"])
def test_a_rate_that_is_not_one_rate_is_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match="is not one rate such as '10 per 30 seconds'"):
        rate(text)


def test_keys_hold_no_identifier_and_differ_by_secret() -> None:
    one, other = Limits(secret="one"), Limits(secret="other")
    key = one.key("person", 1, "0123456789abcdef")
    assert "0123456789abcdef" not in key and key != other.key("person", 1, "0123456789abcdef")
    assert key == Limits(secret="one").key("person", 1, "0123456789abcdef")  # every process


def test_a_redis_that_does_not_answer_lets_people_through_and_says_so(caplog) -> None:
    caplog.set_level(logging.WARNING)
    limits = Limits(Rates(joins_per_device="1 per hour", wrong_codes="1 per hour"),
                    storage_for(f"redis://127.0.0.1:{free_port()}/0"))
    for _ in range(3):
        limits.check_join("phone-1", "192.0.2.1")
        limits.lookup_failed("192.0.2.1")
        limits.check_lookup("192.0.2.1")
        limits.check_sharing(Actor(1, "participant", "p-1", device="phone-1"))
    warnings = [r.getMessage() for r in caplog.records if "not being counted" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


def test_a_limit_setting_is_read_from_the_environment_and_a_wrong_one_refused(
        monkeypatch) -> None:
    from facilitation.config import SettingsError, from_environment

    monkeypatch.setenv("APPRECIATE_LIMIT_JOINS_PER_ADDRESS", "1000 per minute")
    assert Rates.from_settings(from_environment()).joins_per_address == "1000 per minute"
    monkeypatch.setenv("APPRECIATE_LIMIT_SHARING", "lots")
    with pytest.raises(SettingsError, match="APPRECIATE_LIMIT_SHARING must be one rate such "
                                            "as '10 per 30 seconds', not 'lots'"):
        from_environment()


def test_spent_counts_are_cleared_once_a_second_and_ignored_until_then() -> None:
    """Clearing out spent counts reads every key held (a summit's 2,000 browsers), so it runs
    once a second rather than every 10 ms; a count past its window lets its browser through
    whether or not it was cleared yet."""
    storage = storage_for(None)
    limits = Limits(Rates(joins_per_device="1 per second"), storage)
    limits.check_join("phone-0", None)
    assert refusal(limits.check_join, "phone-0", None) is not None
    time.sleep(0.05)  # the package's first clearing, set up with the storage, has run
    for number in range(1, 200):
        limits.check_join(f"phone-{number}", None)
    assert storage.timer.interval == 1.0, "spent counts are cleared every few milliseconds"
    time.sleep(1.05)
    assert refusal(limits.check_join, "phone-0", None) is None
