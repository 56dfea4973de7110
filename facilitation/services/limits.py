"""Rate limits: a flood from one phone, joining again and again for a fresh allowance, or code
guessing from one network slows down only the sender, with a message saying how many seconds
to wait; nothing anyone typed is dropped, and the facilitator is never refused.

The counting is the `limits` package's. Each limit, what it is counted per, and its window:

- sharing, per person and per device: a moving window, never more than the allowance in any
  stretch of time;
- live events, per connection: a fixed window in this process's memory, as a connection
  lives in one process, and the hottest path stays off the network;
- joins, per device and per address: a fixed window, one counter per key that expires
  whole (a device id costs nothing to make, so no list of times is kept for each);
- wrong join codes, per address: a moving window, so a guesser never gets more than the
  allowance in any window, and the wait ends at most one window after the guessing stops.

Where the counts live: this process's memory for the single ``python app.py``; scaled out
(a Redis message queue configured), that same Redis, so every limit but the per-connection
one holds across all processes. Keys are keyed hashes (HMAC with the app's secret key) of
what they count, so the storage holds no address, device id or participant id. A Redis that
does not answer lets people through and says so in the log: a workshop goes on without its
limits rather than stop. (In memory, a moving window keeps an empty entry per key it has
seen; its keys are people, their devices and addresses, which the join limits bound.)

No lock of ours is held here: each storage call, a network round trip with Redis, runs bare.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter

from .access import Actor
from .errors import TooMany

log = logging.getLogger(__name__)

# How long a storage call may take before the limit lets the person through.
STORAGE_TIMEOUT = 2.0
REDIS_SCHEMES = ("redis", "rediss")


@dataclass(frozen=True)
class Rates:
    """Each limit in the `limits` package's words; setting ``LIMIT_<NAME>`` (environment
    ``APPRECIATE_LIMIT_<NAME>``) replaces one."""

    # A person writes a few contributions a minute; an offline outbox may flush ten at once.
    sharing: str = "10 per 30 seconds"
    # A page sends an event per click; thirty in five seconds is already a script.
    events: str = "30 per 5 seconds"
    # A person joins a workshop or two; a phone re-joining for fresh allowances is a script.
    joins_per_device: str = "6 per 10 minutes"
    # Generous: a whole ward, or a hall, behind one hospital NAT joins within a minute.
    joins_per_address: str = "300 per minute"
    # A room behind one NAT mistypes a few codes; 31^6 codes at ten a minute cannot be searched.
    wrong_codes: str = "20 per 2 minutes"

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> Rates:
        """The defaults, with any ``LIMIT_*`` setting that is given."""
        given = {}
        for field in fields(cls):
            value = settings.get(f"LIMIT_{field.name.upper()}")
            if value:
                given[field.name] = str(value)
        return cls(**given)


def rate(text: str) -> RateLimitItem:
    """One rate such as "10 per 30 seconds"; a ValueError in words for anything else."""
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if len(items) != 1 or items[0].amount < 1:
        raise ValueError(f"{text!r} is not one rate such as '10 per 30 seconds'")
    return items[0]


class _MemoryStorage(MemoryStorage):
    """The `limits` package's memory storage, clearing out spent counts once a second rather
    than every 10 ms. Each clearing reads every key held: with a summit's 2,000 browsers
    each holding a count of joins, clearing every 10 ms took 3 % of the server while they
    joined (bench/load.py). A count past its window is already ignored when it is read
    (the fixed window's expiry, the moving window's timestamps), so clearing less often
    only keeps spent entries a moment longer. (Replaces the package's private scheduler,
    as of limits 5.8; tests/unit/test_limits.py notices if it stops applying.)"""

    SWEEP_EVERY = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_EVERY, self._MemoryStorage__expire_events)
            self.timer.start()


def storage_for(message_queue: str | None) -> Storage:
    """The Redis that the processes already share for pushes, or this process's memory."""
    if message_queue and message_queue.split(":", 1)[0].lower() in REDIS_SCHEMES:
        return storage_from_string(message_queue, wrap_exceptions=True,
                                   key_prefix="appreciate-limits",
                                   socket_timeout=STORAGE_TIMEOUT,
                                   socket_connect_timeout=STORAGE_TIMEOUT)
    return _MemoryStorage()


def _busy_network(wait: int) -> TooMany:
    return TooMany("Many people have just joined from this network. Please wait %(seconds)s "
                   "seconds and try again.", wait, seconds=wait)


class _Limit:
    """One rate, counted by one strategy, under one name; keys are hashed before they are
    stored."""

    def __init__(self, name: str, item: RateLimitItem, limiter: RateLimiter,
                 limits: Limits) -> None:
        self.name, self.item, self.limiter, self.limits = name, item, limiter, limits

    def hit(self, *parts: object) -> int:
        """Spend one: 0 if allowed, else the whole seconds until allowed again."""
        key = self.limits.key(*parts)
        try:
            if self.limiter.hit(self.item, self.name, key):
                return 0
            return self._wait(key)
        except StorageError as exc:
            self.limits.unavailable(exc)
            return 0

    def wait(self, *parts: object) -> int:
        """The whole seconds until one more is allowed (0 if now), without spending."""
        key = self.limits.key(*parts)
        try:
            if self.limiter.test(self.item, self.name, key):
                return 0
            return self._wait(key)
        except StorageError as exc:
            self.limits.unavailable(exc)
            return 0

    def _wait(self, key: str) -> int:
        reset = self.limiter.get_window_stats(self.item, self.name, key).reset_time
        return max(1, math.ceil(reset - time.time()))


class Limits:
    """The app's limits; each check raises TooMany with a message and a wait."""

    def __init__(self, rates: Rates | None = None, storage: Storage | None = None,
                 secret: str | bytes | None = None) -> None:
        rates = rates or Rates()
        own = _MemoryStorage()  # a live connection belongs to this process alone
        shared = storage or own
        self._secret = secret.encode() if isinstance(secret, str) else (
            secret or secrets.token_bytes(32))
        self._quiet_until = 0.0
        moving, fixed = MovingWindowRateLimiter(shared), FixedWindowRateLimiter(shared)
        self.sharing = _Limit("sharing", rate(rates.sharing), moving, self)
        self.events = _Limit("events", rate(rates.events), FixedWindowRateLimiter(own), self)
        self.joins_per_device = _Limit("joins-device", rate(rates.joins_per_device), fixed, self)
        self.joins_per_address = _Limit("joins-address", rate(rates.joins_per_address), fixed,
                                        self)
        self.wrong_codes = _Limit("wrong-codes", rate(rates.wrong_codes), moving, self)

    @classmethod
    def for_app(cls, settings: Mapping[str, object]) -> Limits:
        """From the app's settings: its rates, its message queue's Redis, its secret key."""
        return cls(Rates.from_settings(settings),
                   storage_for(str(settings.get("MESSAGE_QUEUE") or "")),
                   str(settings.get("SECRET_KEY") or "") or None)

    def check_sharing(self, actor: Actor) -> None:
        """Before storing something a person shares: their allowance, and their device's (a
        person who joined again from the same phone shares the phone's allowance)."""
        if actor.is_facilitator:
            return
        wait = self.sharing.hit("person", actor.workshop_id, actor.participant_id or actor.role)
        if not wait and actor.device:
            wait = self.sharing.hit("device", actor.device)
        if wait:
            raise TooMany("You're sending very fast. Please wait %(seconds)s seconds and send it "
                          "again: your text is kept.", wait, seconds=wait)

    def check_event(self, connection: str, actor: Actor | None) -> None:
        """Before handling any event a live connection sends (the facilitator's aside)."""
        if actor is not None and actor.is_facilitator:
            return
        wait = self.events.hit(connection)
        if wait:
            raise TooMany("You're sending very fast. Please wait %(seconds)s seconds and try "
                          "again.", wait, seconds=wait)

    def check_join(self, device: str | None, address: str | None) -> None:
        """Before someone becomes a participant: their address's allowance is looked at
        first (so waiting behind a busy network costs no device its own), then their
        device's is spent (if the browser keeps cookies), then the address's."""
        wait = self.joins_per_address.wait(address) if address else 0
        if wait:
            raise _busy_network(wait)
        wait = self.joins_per_device.hit(device) if device else 0
        if wait:
            raise TooMany("This browser has joined many times in the last few minutes. "
                          "Please wait %(seconds)s seconds and try again.", wait, seconds=wait)
        wait = self.joins_per_address.hit(address) if address else 0
        if wait:
            raise _busy_network(wait)

    def check_lookup(self, address: str) -> None:
        """Before looking up a join code for someone who has not joined that workshop."""
        wait = self.wrong_codes.wait(address)
        if wait:
            raise TooMany("Too many join codes that do not exist were tried from this network. "
                          "Please wait %(seconds)s seconds, check the code on the big screen "
                          "and try again.", wait, seconds=wait)

    def lookup_failed(self, address: str) -> None:
        """A code that matched no workshop (or a refused link) was tried from ``address``."""
        self.wrong_codes.hit(address)

    def key(self, *parts: object) -> str:
        """What a count is kept under: a keyed hash, so the storage holds no identifier."""
        text = "\x1f".join(str(part) for part in parts)
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:32]

    def unavailable(self, exc: Exception) -> None:
        """The storage did not answer: let the person through, and say so at most once a
        minute."""
        now = time.monotonic()
        if now >= self._quiet_until:
            self._quiet_until = now + 60
            log.warning("Rate limits are not being counted: their storage did not answer "
                        "(%s). People are let through until it does.", type(exc).__name__)
