"""Start a server under test: Appreciate itself, the bare Flask-SocketIO baseline, or the
floor of joining with Flask (a join page and form with a session cookie, nothing else).

    python bench/serve.py app   --ws simple|gevent-websocket -- [app.py options]
    python bench/serve.py bare  --ws simple|gevent-websocket --port PORT
    python bench/serve.py floor --ws simple|gevent-websocket --port PORT

The bare baseline is the least a Flask-SocketIO app can do for the same events: it accepts
the same connect packet, acknowledges ``contribute`` and pushes an ~800-byte HTML fragment
carrying the text to everyone, with no database, no templates and no coalescing. The
floor serves the same join path as the app with the least Flask can do: a page with a form
token kept in the signed session cookie, a form that writes an id into the cookie, and the
live connection (then the bare baseline's events): what joining costs before any of the
app's own work (no database, templates, limits or pushes). The ``--ws`` switch picks the
WebSocket handler: python-engineio uses gevent-websocket whenever it can import it, so
``simple`` hides it before anything loads.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILLER = "Appreciative Inquiry card " * 24  # pads the bare push to about the app's size


def _choose_handler(argv: list[str]) -> list[str]:
    if "--ws" in argv:
        index = argv.index("--ws")
        if argv[index + 1] == "simple":
            sys.modules["geventwebsocket"] = None  # type: ignore[assignment]
        del argv[index:index + 2]
    return argv


def serve_bare(port: int) -> None:
    from gevent import monkey

    monkey.patch_all()
    import html

    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", ping_interval=20, ping_timeout=25)
    counter = iter(range(1, 1 << 62))

    @socketio.on("connect")
    def connect(auth: object = None) -> bool:
        code = auth.get("workshop") if isinstance(auth, dict) else None
        if not isinstance(code, str):
            return False
        join_room("everyone")
        return True

    @socketio.on("contribute")
    def contribute(data: dict) -> dict:
        number = next(counter)
        card = (f'<div hx-swap-oob="beforeend:#wall-list"><li id="c-{number}" class="card">'
                f'<p class="card-body">{html.escape(str(data.get("text", "")))}</p>'
                f'<p class="hint">{FILLER}</p></li></div>')
        socketio.emit("fragment", card, to="everyone")
        return {"ok": True, "id": number}

    socketio.run(app, host="127.0.0.1", port=port, log_output=False)


def serve_floor(port: int) -> None:
    from gevent import monkey

    monkey.patch_all()
    import secrets

    from flask import Flask, abort, redirect, request, session
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    app.secret_key = secrets.token_hex(32)
    socketio = SocketIO(app, async_mode="gevent", ping_interval=20, ping_timeout=25)

    @app.get("/w/<code>/join")
    def join_page(code: str) -> str:
        session["d"] = secrets.token_urlsafe(16)
        session["t"] = secrets.token_hex(20)
        return (f'<form method="post"><input type="hidden" name="csrf_token" '
                f'value="{session["t"]}"><input name="display_name"></form>{FILLER}')

    @app.post("/w/<code>/join")
    def join(code: str) -> object:
        if request.form.get("csrf_token") != session.get("t"):
            abort(400)
        session["w"] = {code: {"p": secrets.token_hex(16), "k": secrets.token_urlsafe(32)}}
        return redirect(f"/w/{code}/")

    @socketio.on("connect")
    def connect(auth: object = None) -> bool:
        code = auth.get("workshop") if isinstance(auth, dict) else None
        if not isinstance(code, str) or code not in session.get("w", {}):
            return False
        join_room("everyone")
        return True

    @socketio.on("contribute")
    def contribute(data: dict) -> dict:
        socketio.emit("fragment", f'<p>{data.get("text", "")}</p>', to="everyone")
        return {"ok": True}

    socketio.run(app, host="127.0.0.1", port=port, log_output=False)


def main(argv: list[str]) -> None:
    argv = _choose_handler(list(argv))
    kind = argv[0]
    if kind == "bare":
        serve_bare(int(argv[argv.index("--port") + 1]))
    elif kind == "floor":
        serve_floor(int(argv[argv.index("--port") + 1]))
    elif kind == "app":
        sys.path.insert(0, str(ROOT))
        import app

        rest = argv[argv.index("--") + 1:] if "--" in argv else []
        sys.exit(app.main(rest))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
