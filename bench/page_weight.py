"""How many bytes a participant's phone downloads to open the workshop page.

Starts `python app.py` on a free loopback port, joins a workshop in Chromium (Debian's
/usr/bin/chromium), and sums what the network transferred (compressed, as sent) and the
decoded size, per resource, for a first visit with an empty cache. The issue's aim: under
150 KB compressed.

    python bench/page_weight.py
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        created = subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "new", "--plan", "at-our-best-with-each-other",
             "--data-dir", data, "--public-url", f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True).stdout
        code = re.search(r"Join code:\s+(\w+)", created).group(1)
        server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1",
                                   "--port", str(port), "--data-dir", data],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            measure(f"http://127.0.0.1:{port}", code)
        finally:
            server.terminate()
            server.wait(timeout=10)


def measure(base: str, code: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        page = context.new_page()
        page.goto(f"{base}/w/{code}/join")
        page.get_by_role("button", name="Join the workshop").click()
        page.wait_for_url(f"{base}/w/{code}/")
        page.wait_for_selector("#connection[data-state=connected]")
        # A fresh page load of the room with an empty cache, measured from the network.
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sizes: dict[str, list[float]] = {}
        urls: dict[str, str] = {}
        session.on("Network.responseReceived",
                   lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
        session.on("Network.loadingFinished",
                   lambda e: sizes.setdefault(e["requestId"], [e["encodedDataLength"]]))
        decoded: dict[str, int] = {}
        session.on("Network.dataReceived",
                   lambda e: decoded.__setitem__(e["requestId"],
                                                 decoded.get(e["requestId"], 0) + e["dataLength"]))
        page.reload()
        page.wait_for_selector("#connection[data-state=connected]")
        page.wait_for_timeout(1500)
        rows = []
        for request_id, (transferred,) in sizes.items():
            url = urls.get(request_id, "?").replace(base, "")
            rows.append((url[:70], int(transferred), decoded.get(request_id, 0)))
        rows.sort(key=lambda r: -r[1])
        print(f"{'resource':72} {'sent (B)':>10} {'decoded (B)':>12}")
        for url, sent, size in rows:
            print(f"{url:72} {sent:>10,} {size:>12,}")
        total_sent = sum(r[1] for r in rows)
        total_decoded = sum(r[2] for r in rows)
        print(f"{'TOTAL (' + str(len(rows)) + ' requests)':72} {total_sent:>10,} {total_decoded:>12,}")
        print(f"compressed total: {total_sent / 1024:.1f} KB (aim: under 150 KB)")
        browser.close()


if __name__ == "__main__":
    main()
