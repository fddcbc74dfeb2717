"""Time the currency and history features of one build, in-process.

    .venv/bin/python bench/historytime.py [project folder]

Reads the project's git history (cold: no cache, then warm: the per-blob
cache filled), renders the history page, and decorates every generated page
as the hook does; prints milliseconds. Compare with a whole `mkdocs build`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from plansite import history
from plansite.cache import DiskCache
from plansite.loader import load_content
from plansite.render import render_site


def main(root: Path) -> None:
    content = load_content(root / "content")
    pages, _ = render_site(content, root / "templates")
    with tempfile.TemporaryDirectory() as tmp:
        cache = DiskCache(tmp)
        for run in ("cold", "warm"):
            history._MEMO.clear()
            start = time.perf_counter()
            currency = history.build_currency(root, content, root / "templates", cache=cache)
            read = time.perf_counter() - start
            start = time.perf_counter()
            for page in pages:  # the generated Markdown stands in for each page's HTML
                currency.decorate(page.markdown, page.path.replace(".md", ".html"))
            decorate = time.perf_counter() - start
            print(f"{run}: history + status + page {read * 1000:.0f} ms, "
                  f"decorate {len(pages)} pages {decorate * 1000:.0f} ms, "
                  f"{len(currency.history.versions)} versions listed")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
