"""A numbered beat pushed to every workshop channel, so a page says "Connected" only while
pushes really arrive.

A WebSocket can stay open while nothing comes through it: a server whose pushes stopped, a
proxy that holds the socket but forwards nothing, a laptop lid that closed. Engine.IO's own
pings take 45 seconds to notice, and do not notice the first case at all. So every few
seconds each workshop channel (in each language) gets a beat, through the very path its pushes
take (coalesce.py, where it rides along with whatever else is leaving). A page that hears
nothing for a few beats says it is reconnecting, reconnects and fetches the whole view again
(static/js/live/connection.js).

Each beat carries this process's name for itself and a number per channel, one more each time.
A page that sees a number skipped knows it missed a push and fetches its view again; the
batcher skips a number on purpose when a push to a channel could not be rendered or sent.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable

from markupsafe import Markup

log = logging.getLogger(__name__)

# Seconds between two beats to a channel. A page counts a silence of three beats and a second
# as lost (static/js/live/connection.js), so a frozen server or proxy shows as "Reconnecting"
# within about 10 s.
BEAT_EVERY = 3.0
KEY = "beat"
WORKSHOP_CHANNEL = re.compile(r"^w:(\d+)@[\w-]+$")

Send = Callable[[str, Callable[[], str], str], None]
Channels = Callable[[], Iterable[str]]
Spread = Callable[[str], int]
Sleep = Callable[[float], None]


class Heartbeat:
    """Numbers and sends the beats; ``run`` sends them for the life of the server."""

    def __init__(self, send: Send, channels: Channels, spread: Spread,
                 every: float = BEAT_EVERY) -> None:
        self._send = send
        self._channels = channels
        self._spread = spread
        self.every = every
        # Names this process's numbering, so that pages can tell a restart from a gap.
        self.source = secrets.token_hex(4)
        self._numbers: dict[str, int] = {}

    def beat(self) -> None:
        """One beat to every workshop channel that has someone listening in this process."""
        channels = [channel for channel in self._channels()
                    if isinstance(channel, str) and WORKSHOP_CHANNEL.match(channel)]
        self._numbers = {channel: self._numbers.get(channel, 0) for channel in channels}
        for channel in channels:
            self._send(channel, self._beat_for(channel), KEY)

    def skip(self, workshop_id: int) -> None:
        """A push to one of this workshop's channels was lost: leave a gap in its numbering,
        so that every page of the workshop fetches its view again at the next beat."""
        for channel in self._numbers:
            match = WORKSHOP_CHANNEL.match(channel)
            if match and int(match.group(1)) == workshop_id:
                self._numbers[channel] += 1

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

    def _beat_for(self, channel: str) -> Callable[[], str]:
        def render() -> str:
            number = self._numbers[channel] = self._numbers.get(channel, 0) + 1
            return Markup('<template data-beat="{}:{}" data-spread="{}"></template>').format(
                self.source, number, self._spread(channel))

        return render

