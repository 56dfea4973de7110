"""What one new dream costs in a big room: the pushed board, and each phone's ballot fetch.

In a vote every phone fetches its own ballot again when the list changes (ballots are never
rendered into a broadcast, so no total and no "yours" can leak). This measures, in one run on
the real SQLite store, for a room of 60 people with 60 dreams and 180 dots:

- rendering the board push after a new dream, against the same push for a Discover wall of 60
  cards (the baseline, measured in the same run);
- one phone's ballot fetch (GET /me?part=my-votes), against one phone's whole-room resync
  (GET /state) on the Discover wall;
- the bytes of each: for a push, the walls rendered for the phones (the room or, seated at
  tables, each table: every phone receives one of them) and for the facilitator's screens.

    python bench/vote_fanout.py [--people 60] [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitation import runtime_of  # noqa: E402
from facilitation.live.channels import facilitator_screens  # noqa: E402
from facilitation.live.coalesce import Fragment  # noqa: E402
from facilitation.services import contributions, dreams, votes  # noqa: E402
from facilitation.services import workshops as workshop_service  # noqa: E402
from facilitation.services.access import Actor  # noqa: E402
from facilitation.startup import prepared  # noqa: E402
from facilitation.web.identity import remember_participant  # noqa: E402


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        app = prepared({"DATA_DIR": data, "TESTING": True, "SOCKETIO_ASYNC_MODE": "threading"})
        rt = runtime_of(app)
        workshop, _key = workshop_service.create(rt, "at-our-best-with-each-other")
        f = Actor(workshop.id, "facilitator")
        people = [Actor(workshop.id, "participant", workshop_service.join(rt, workshop.id))
                  for _ in range(args.people)]
        workshop_service.move(rt, f, "forward")
        workshop_service.move(rt, f, "forward")
        workshop_service.choose_activity(rt, f, "share-what-you-heard")
        for index, person in enumerate(people):
            contributions.contribute(rt, person, "share-what-you-heard",
                                     f"Card {index}: someone helped on a busy night shift",
                                     f"bench-card-{index:04d}")
        client = app.test_client()
        with app.test_request_context():
            from flask import session

            remember_participant(workshop.code, people[0].participant_id)
            cookie = dict(session)
        with client.session_transaction() as saved:
            saved.update(cookie)

        sent: list[tuple[str, str]] = []
        def render_only(to: str, fragment: Fragment, key: str | None = None,
                        min_window: float = 0.0) -> None:
            sent.append((to, rt.broadcaster._render(fragment, "en")))  # measure, do not emit

        def wall_bytes(screens: bool) -> int:
            """Bytes of walls rendered for the phones (the room, its tables), or for the
            facilitator's screens."""
            return sum(len(h.encode()) for t, h in sent
                       if (t == facilitator_screens(workshop.id)) == screens and 'id="wall"' in h)

        rt.broadcaster.send = render_only

        def push() -> None:
            sent.clear()
            rt.broadcaster.board_changed(workshop.id)

        wall_push = median_ms(push, args.repeats)
        wall_phones, wall_screens = wall_bytes(False), wall_bytes(True)
        wall_fetch = median_ms(lambda: client.get(f"/w/{workshop.code}/state"), args.repeats)
        wall_fetch_bytes = len(client.get(f"/w/{workshop.code}/state").data)

        workshop_service.move(rt, f, "forward")  # Dream
        for index, person in enumerate(people):
            dreams.add_dream(rt, person, f"We {index}: greet every new starter by name", [],
                             f"bench-dream-{index:04d}")
        with rt.store.reading() as db:
            from facilitation.store import Contribution

            ids = [c.id for c in db.query(Contribution).filter_by(activity_key="team-dream")]
        for index, person in enumerate(people):
            for dot in range(3):
                votes.place_dot(rt, person, f"contribution:{ids[(index + dot) % len(ids)]}")

        dream_push = median_ms(push, args.repeats)
        dream_phones, dream_screens = wall_bytes(False), wall_bytes(True)
        ballot_url = f"/w/{workshop.code}/me?part=my-votes"
        ballot_fetch = median_ms(lambda: client.get(ballot_url), args.repeats)
        ballot_bytes = len(client.get(ballot_url).data)
        ballot_gzip = len(client.get(ballot_url, headers={"Accept-Encoding": "gzip"}).data)
        runtime_of(app).store.dispose()

    print(f"room: {args.people} people, {args.people} items, {3 * args.people} dots; "
          f"medians of {args.repeats} runs")
    print(f"{'':44} {'median ms':>10} {'bytes':>9}  (walls to phones / to screens)")
    print(f"{'board push, Discover wall (baseline)':44} {wall_push:>10.1f} "
          f"{wall_phones + wall_screens:>9,}  ({wall_phones:,} / {wall_screens:,})")
    print(f"{'board push, Dream with hidden dots':44} {dream_push:>10.1f} "
          f"{dream_phones + dream_screens:>9,}  ({dream_phones:,} / {dream_screens:,})")
    print(f"{'one phone: GET /state on the wall (baseline)':44} {wall_fetch:>10.1f} "
          f"{wall_fetch_bytes:>9,}")
    print(f"{'one phone: GET its ballot (my-votes)':44} {ballot_fetch:>10.1f} {ballot_bytes:>9,}"
          f"  ({ballot_gzip:,} gzipped)")
    print(f"ratios: push {dream_push / wall_push:.2f}x, fetch {ballot_fetch / wall_fetch:.2f}x "
          f"the baseline; after one new dream the server answers {args.people} ballot fetches "
          f"≈ {args.people * ballot_fetch / 1000:.2f} s of work in all")


if __name__ == "__main__":
    main()
