"""How often a big room is pushed each kind of update, and how its phones pace the parts
they fetch for themselves.

A seated room (services.seating) hears a new card at its own table in full; everyone else
hears the new head count at most once a second and the facilitator's screens a fresh
plenary at most twice a second. A big room joining at once hears its head count every three
seconds at most. When a push asks every phone to fetch its own part again,
each waits a random moment, spread by how long that part takes this server to answer.
"""

from __future__ import annotations

# The plenary (every table's tally, the latest cards) is read and rendered at most this often.
PLENARY_EVERY = 0.5
# The room-wide head count, all a card changes for the other tables, at most this often: a
# thousand phones need not hear of every card at another table.
COUNTS_EVERY = 1.0
# The facilitator's panel while phones connect and leave (a summit arrives all at once).
CONNECTIONS_EVERY = 0.25
# The room's head count while people join: every phone hears it at most this often, and at
# least this soon after the last arrival. Told of every arrival, a summit of 2,000 joining at
# once would take 4 million deliveries. A smaller room hears it sooner: the period is the
# room's share of ARRIVALS_BUDGET deliveries a second (160 ms for 40 phones, 2 s for 500),
# and a big room hears it as often as its heartbeat (heartbeat.BEAT_EVERY).
ARRIVALS_EVERY = 3.0
ARRIVALS_BUDGET = 250
# A whole-room board (dreams, statements, commitments, check-out) at most this often: each
# such push also has every phone fetch its own ballot or action teams again.
BOARD_EVERY = 1.0
# When a push asks every phone to fetch its own part (its ballot, its panel), each phone
# waits a random moment first, so that the fetches take at most this share of one core
# rather than arriving all at once. A ballot of 200 dreams took 27 ms to answer
# (bench/vote_fanout.py), so 1,000 phones fetching it at once would stop the room for 27 s.
FETCH_SHARE = 0.5
# Seconds one fetch takes, until this process has measured some.
FIRST_GUESS = 0.01
# Smaller rooms fetch at once: a workshop of forty should not wait (APPRECIATE_SPREAD_FROM).
SPREAD_FROM = 100


class FetchPace:
    """How long each part a phone fetches for itself takes on this server (a moving average
    of the real fetches, one per part: a ballot of 200 dreams takes ten times a phase
    change's panel), and so over how long a room's phones spread their fetches of it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def record(self, part: str, seconds: float) -> None:
        before = self.seconds.get(part, FIRST_GUESS)
        self.seconds[part] = before + (seconds - before) / 10

    def spread_ms(self, part: str, phones: int, spread_from: int = SPREAD_FROM) -> int:
        """Milliseconds over which ``phones`` spread their fetches of ``part`` (0: at once)."""
        if phones < spread_from:
            return 0
        return round(1000 * phones * self.seconds.get(part, FIRST_GUESS) / FETCH_SHARE)


def arrivals_every(phones: int) -> float:
    """Seconds between two pushes of the head count to ``phones`` while people join."""
    return min(ARRIVALS_EVERY, phones / ARRIVALS_BUDGET)
