"""Top-3 hit rate of the fixed query list (tests/search_queries.py) on a built site.

    .venv/bin/python bench/search_rank.py [SITE_DIR]     # default: site/

Serves SITE_DIR on a local port, types every query into Material's search in
Debian's Chromium and prints, per query, the first three result groups and
whether the expected page or section is among them; then the hit rate.
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from search_queries import QUERIES, top_links  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def hit(links: list[list[str]], expected: str) -> bool:
    pattern = re.compile(expected)
    return any(pattern.search(href) for href in links)


def main(site: Path) -> float:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    hits = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for query, expected in QUERIES:
            page.goto(base + "index.html")
            try:
                links = top_links(page, query)
            except Exception:  # no result at all
                links = []
            ok = hit(links, expected)
            hits += ok
            print(f"{'HIT ' if ok else 'MISS'} {query!r:40} → {links}")
        browser.close()
    server.shutdown()
    rate = hits / len(QUERIES)
    print(f"top-3 hit rate: {hits}/{len(QUERIES)} = {rate:.0%}")
    return rate


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "site")
