"""What a build lacks from its cache, made in another process while the build goes on.

Typesetting the PDFs that are not in the build cache (WeasyPrint, 1.5–3.5 s on
the real plan) and encoding the QR codes (pure Python, about 0.4 s) are most
of a fresh build and of a build after a text edit, and run on one core.
They are handed to another process (`python -m plansite.ahead ROOT
[SITE_URL]`, `make`), which loads the content itself and fills the project's
build cache with every QR code and download, taking what is there already.
On a fresh clone (`start_early`: the cache holds no PDF or no QR code) it
starts as the build begins, before the content is loaded, so that its start
and imports overlap the build's own; after an edit (`start`) only once the
build found a PDF or DOCX missing from the cache — a process whose work is
not needed would only take the processor from the build. `Ahead.join` waits
for it where the files are needed, and the build then takes them from the
cache through the same functions as always: at the end of `prepare`, or —
`prepare(defer_downloads=True)`, as `prepare_build` asks for a build but not
a preview — only after the generator built the pages
(`Site.finish_downloads`), the pages showing `downloads.PENDING_SIZE` for the
downloads' sizes until then. When the build finds everything in the cache
after all, `Ahead.stop` ends the process at once.

So the output is the serial build's by construction (the same function makes
every byte, the cache only carries them), and a failure is the serial build's
too: the process's outcome is never read — whatever it did not make, the build
makes itself and fails on exactly as it would have. Without a build cache
(PLANSITE_NO_CACHE) or with PLANSITE_NO_WORKER=1, nothing is started.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import pdf, permalinks
from .cache import DEFAULT_DIR, DiskCache

NO_WORKER_ENV = "PLANSITE_NO_WORKER"
_ROOT = Path(__file__).resolve().parent.parent  # the checkout whose plansite/ the process runs


@dataclass
class Ahead:
    """The process making a build's uncached files (None: nothing to wait for)."""

    process: subprocess.Popen | None = None

    def join(self) -> None:
        """Wait until the process is done. Its exit status is not looked at: what it
        did not make, the build makes (and fails on) in this process."""
        process, self.process = self.process, None
        if process is not None:
            process.wait()

    def stop(self) -> None:
        """Stop the process (the build failed, or found all it needs in the cache).
        The cache writes atomically, so an entry cut short is never read."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait()


def start_early(root: Path, site_url: str | None, cache: DiskCache) -> Ahead:
    """Before the content is loaded: start making, in another process, what the build
    of the project at `root` for `site_url` will not find in `cache` (see `make`) —
    if `cache` holds no PDF or no QR code yet (a fresh clone lacks them all)."""
    if not may_start(root, cache) or all(_has_entries(cache, n) for n in (pdf.NAMESPACE, permalinks.QR_NAMESPACE)):
        return Ahead()
    return start(root, site_url)


def start(root: Path, site_url: str | None) -> Ahead:
    """Start that process (once the content is loaded, when the build found a download
    missing from the cache: typesetting is what is worth another process)."""
    return Ahead(worker_process(Path(root), site_url))


def may_start(root: Path, cache: DiskCache) -> bool:
    """Whether another process can hand its work over: only in the project's own build
    cache (not without one, PLANSITE_NO_CACHE), and not with PLANSITE_NO_WORKER=1."""
    return cache.root == Path(root) / DEFAULT_DIR and os.environ.get(NO_WORKER_ENV) != "1"


def _has_entries(cache: DiskCache, namespace: str) -> bool:
    folder = cache.path(namespace)
    try:
        return folder is not None and any(folder.iterdir())
    except OSError:
        return False


def worker_process(root: Path, site_url: str | None) -> subprocess.Popen:
    """`make(root, site_url)` started in another process, with this checkout's plansite/."""
    # No bytecode written: while previewing plansite/ is watched, and a new file there would rebuild.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "plansite.ahead", str(root), *([site_url] if site_url else [])],
                            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def make(root: Path, site_url: str | None) -> None:
    """Fill the build cache of the project at `root` with its downloads and QR codes
    (for `site_url`), through the functions the build takes them from. The QR codes
    last: a build that waits for the downloads (`Site.finish_downloads`) encodes
    the ones still missing meanwhile, and this process then finds them in the cache."""
    from . import downloads, study
    from .loader import load_content

    cache = DiskCache(root / DEFAULT_DIR)
    content = load_content(root / "content", display_root=root, cache=cache)
    downloads.build(content, root / "templates", cache)
    permalinks.static_files(content, site_url, cache)
    study.static_files(content, site_url, cache)


if __name__ == "__main__":
    make(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
