"""A numbered beat pushed to every workshop room, so a page says "Connected" only while
pushes really arrive.

A WebSocket can stay open while nothing comes through it: a server whose pushes stopped, a
proxy that holds the socket but forwards nothing, a laptop lid that closed. Engine.IO's own
pings take 45 seconds to notice, and do not notice the first case at all. So every few
seconds each workshop room (in each language) gets a beat, through the very path its pushes
take (coalesce.py, where it rides along with whatever else is leaving). A page that hears
nothing for a few beats says it is reconnecting, reconnects and fetches the whole view again
(static/js/live.js).

Each beat carries this process's name for itself and a number per room, one more each time.
A page that sees a number skipped knows it missed a push and fetches its view again; the
batcher skips a number on purpose when a push to a room could not be rendered or sent.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable

from markupsafe import Markup

log = logging.getLogger(__name__)

# Seconds between two beats to a room. A page counts a silence of three beats and a second
# as lost (live.js), so a frozen server or proxy shows as "Reconnecting" within about 10 s.
BEAT_EVERY = 3.0
KEY = "beat"
WORKSHOP_ROOM = re.compile(r"^w:(\d+)@[\w-]+$")

Send = Callable[[str, Callable[[], str], str], None]
Rooms = Callable[[], Iterable[str]]
Spread = Callable[[str], int]
Sleep = Callable[[float], None]


class Heartbeat:
    """Numbers and sends the beats; ``run`` sends them for the life of the server."""

    def __init__(self, send: Send, rooms: Rooms, spread: Spread,
                 every: float = BEAT_EVERY) -> None:
        self._send = send
        self._rooms = rooms
        self._spread = spread
        self.every = every
        # Names this process's numbering, so that pages can tell a restart from a gap.
        self.source = secrets.token_hex(4)
        self._numbers: dict[str, int] = {}

    def beat(self) -> None:
        """One beat to every workshop room that has someone listening in this process."""
        rooms = [room for room in self._rooms() if isinstance(room, str) and WORKSHOP_ROOM.match(room)]
        self._numbers = {room: self._numbers.get(room, 0) for room in rooms}
        for room in rooms:
            self._send(room, self._beat_for(room), KEY)

    def skip(self, workshop_id: int) -> None:
        """A push to one of this workshop's rooms was lost: leave a gap in its numbering,
        so that every page of the workshop fetches its view again at the next beat."""
        for room in self._numbers:
            match = WORKSHOP_ROOM.match(room)
            if match and int(match.group(1)) == workshop_id:
                self._numbers[room] += 1

    def run(self, sleep: Sleep) -> None:
        """Beat every ``every`` seconds for the life of the server."""
        failing = False
        while True:
            sleep(self.every)
            try:
                self.beat()
                failing = False
            except Exception:  # a beat that failed must not end the beating
                if not failing:  # once, not every few seconds
                    log.exception("The live heartbeat failed; beating again shortly")
                failing = True

    def _beat_for(self, room: str) -> Callable[[], str]:
        def render() -> str:
            number = self._numbers[room] = self._numbers.get(room, 0) + 1
            return Markup('<template data-beat="{}:{}" data-spread="{}"></template>').format(
                self.source, number, self._spread(room))

        return render

