"""The shipped deploy/nginx.conf in front of two app processes: sticky sessions, WebSocket
upgrade, and a phone whose process dies comes back through nginx to the other one."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, wait_for_port
from tests.phones import WAIT, join, start_workshop, wait_until

from .test_two_processes import app_process


def _nginx() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                       else None)
    if binary:
        return binary
    message = "The nginx test needs Debian's nginx (apt-get install -y nginx)."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " In CI it must run, so this is a failure.")
    pytest.skip(message)


@pytest.fixture()
def behind_nginx(tmp_path: Path, postgres_url: str, redis_url: str):
    """Two app processes and nginx running the shipped config, its ports swapped for free
    loopback ones; nginx also names the process that answered, for the test to see."""
    binary = _nginx()
    key = secrets.token_hex(32)
    apps = {name: app_process(name, tmp_path, postgres_url, redis_url, key).launch()
            for name in ("a", "b")}
    port = free_port()
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (shipped.replace("127.0.0.1:5001", f"127.0.0.1:{apps['a'].port}")
            .replace("127.0.0.1:5002", f"127.0.0.1:{apps['b'].port}")
            .replace("listen 80;", f"listen 127.0.0.1:{port};"))
    assert site != shipped
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    add_header X-Served-By $upstream_addr always;
    include {tmp_path}/site.conf;
}}
""")
    nginx = subprocess.Popen([binary, "-c", str(tmp_path / "nginx.conf"), "-e",
                              str(tmp_path / "nginx-error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for app in apps.values():
            wait_for_port(app.port, app.process, timeout=60)
        wait_for_port(port, nginx)
        yield f"http://127.0.0.1:{port}", apps
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for app in apps.values():
            app.stop()


def test_nginx_keeps_phones_on_one_process_and_fails_over_to_the_other(behind_nginx) -> None:
    front, apps = behind_nginx
    facilitator = start_workshop(front)
    code = facilitator.code
    phones = [join(front, code) for _ in range(3)]
    for phone in [facilitator, *phones]:
        phone.connect(front)
        assert phone.sio.transport() == "websocket"
    everyone = [facilitator, *phones]
    try:
        served = {facilitator.http.get(f"{front}/w/{code}/state", timeout=WAIT)
                  .headers["X-Served-By"] for _ in range(5)}
        assert len(served) == 1, f"ip_hash should keep one client on one process: {served}"
        serving = next(name for name, app in apps.items() if served == {f"127.0.0.1:{app.port}"})
        survivor = "b" if serving == "a" else "a"

        reply = phones[0].contribute("arrival-hopes", "Before the crash", "nginx-0001")
        assert reply["ok"] is False  # still the lobby: refused, and said so
        moved = facilitator.post(front, f"/w/{code}/move", {"direction": "forward"},
                                 page=f"/w/{code}/facilitate")
        assert moved.status_code == 302
        assert phones[0].contribute("arrival-hopes", "Before the crash", "nginx-0001")["ok"]
        for phone in everyone:
            wait_until(lambda p=phone: p.has_seen("Before the crash"), "every phone has it")

        apps[serving].kill()
        for phone in everyone:
            wait_until(lambda p=phone: not p.sio.connected, "the phone notices the crash")
            phone.close()
            phone.connect(front)  # the browser's reconnect, through nginx
        state = phones[1].http.get(f"{front}/w/{code}/state", timeout=WAIT)
        assert state.headers["X-Served-By"] == f"127.0.0.1:{apps[survivor].port}"
        assert "Before the crash" in state.text and 'data-phase="define"' in state.text

        assert phones[2].contribute("arrival-hopes", "After the crash", "nginx-0002")["ok"]
        for phone in everyone:
            wait_until(lambda p=phone: p.has_seen("After the crash"),
                       "every phone, now on the other process, has it")
    finally:
        for phone in everyone:
            if phone.sio is not None and phone.sio.connected:
                phone.close()
