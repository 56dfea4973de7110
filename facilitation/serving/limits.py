"""How long the server waits for a client, and how much it takes from one, in one place.

Every wait has an end, so a client that sends a byte every few seconds, never finishes, or
never reads the answer holds a connection for seconds, not for ever. The ends are set for a
phone on poor hospital Wi-Fi (about 50 kB/s): anything that moves at a tenth of that speed
still gets through.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

# Bytes a second a body, an answer or a frame must keep up: a tenth of a 3G-like link.
SLOWEST_RATE = 5_000.0
# After engine.io's own ping interval and timeout, this much more before a silent WebSocket
# is closed under it: engine.io decides when a live connection is gone, this frees the socket.
LIVE_MARGIN = 5.0
# A request line and its headers together; browsers send a few kilobytes at most.
LARGEST_HEADERS = 64 * 1024


@dataclass(frozen=True)
class ServingLimits:
    """The deadlines and sizes of one server; ``of(app)`` reads them from the settings."""

    header_seconds: float = 15.0
    idle_seconds: float = 60.0
    live_quiet_seconds: float = 20.0 + 25.0 + LIVE_MARGIN
    largest_body: int = 256 * 1024
    largest_headers: int = LARGEST_HEADERS
    per_address: int = 500  # 0: no cap
    slowest_rate: float = SLOWEST_RATE

    @classmethod
    def of(cls, app: Flask) -> ServingLimits:
        """The limits ``app``'s settings ask for. Behind a proxy every connection comes from
        the proxy's address, so the cap per address is the proxy's job there."""
        config = app.config
        return cls(header_seconds=float(config["HEADER_TIMEOUT"]),
                   idle_seconds=float(config["IDLE_TIMEOUT"]),
                   live_quiet_seconds=float(config["PING_INTERVAL"])
                   + float(config["PING_TIMEOUT"]) + LIVE_MARGIN,
                   largest_body=int(config["MAX_CONTENT_LENGTH"]),
                   per_address=0 if config["BEHIND_PROXY"]
                   else int(config["CONNECTIONS_PER_ADDRESS"]))

    def body_seconds(self, declared: int | None) -> float:
        """How long a request body may take: a body larger than the app accepts is refused
        after its headers, so only the accepted size is ever worth waiting for."""
        size = self.largest_body if declared is None else min(declared, self.largest_body)
        return self.header_seconds + size / self.slowest_rate

    def send_seconds(self, size: int) -> float:
        """How long one write of ``size`` bytes of an answer may take."""
        return self.header_seconds + size / self.slowest_rate

    def live_seconds(self, size: int) -> float:
        """How long a WebSocket may go without a frame either way (``size``: bytes asked for
        or sent in one go): longer than engine.io lets a live connection go unanswered."""
        return self.live_quiet_seconds + size / self.slowest_rate

    @property
    def largest_frame(self) -> int:
        """No WebSocket read is larger than the largest body the app accepts (engine.io
        refuses anything over 64 kB, but only after reading it)."""
        return self.largest_body
