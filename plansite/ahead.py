"""What a build lacks from its cache, made in another process while the build goes on.

Typesetting the PDFs that are not in the build cache (WeasyPrint, 1.5–3.5 s on
the real plan) and encoding the QR codes (pure Python, about 0.4 s) are most
of a fresh build and of a build after a text edit, and run on one core.
They are handed to another process (`python -m plansite.ahead ROOT`, `work`):
it imports WeasyPrint and sets its fonts up while the build loads the content,
then gets the loaded content from the build (`Ahead.send`, pickled: the
process neither reads nor checks content/ again) and fills the project's
build cache with every download and QR code, taking what is there already.
On a fresh clone (`start_early`: the cache holds no PDF or no QR code) it
starts as the build begins, before the content is loaded; after an edit
(`start`) only once the build found a PDF or DOCX missing from the cache — a
process whose work is not needed would only take the processor from the build. `Ahead.join` waits
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
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import model as m, pdf, permalinks
from .cache import DEFAULT_DIR, TMP_PREFIX, DiskCache
from .child import run_module

NO_WORKER_ENV = "PLANSITE_NO_WORKER"


@dataclass
class Ahead:
    """The process making a build's uncached files (None: nothing to wait for)."""

    process: subprocess.Popen | None = None

    def send(self, content: m.Content, site_url: str | None) -> None:
        """Give the process its work: the loaded content, and the site's address for the QR codes."""
        if self.process is None or self.process.stdin is None:
            return
        try:
            with self.process.stdin:
                pickle.dump((content, site_url), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - the process ended (BrokenPipeError) or the content does not pickle:
            self.stop()    # no work for it; what it did not make, the build makes

    def join(self) -> None:
        """Wait until the process is done. Its exit status is not looked at: what it
        did not make, the build makes (and fails on) in this process."""
        process, self.process = self.process, None
        if process is not None:
            if process.stdin is not None and not process.stdin.closed:
                process.stdin.close()  # never sent: the process ends without work
            process.wait()

    def stop(self) -> None:
        """Stop the process (the build failed, or found all it needs in the cache).
        The cache writes atomically, so an entry cut short is never read."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
            process.wait()
            if process.stdin is not None:
                process.stdin.close()


def start_early(root: Path, cache: DiskCache) -> Ahead:
    """Before the content is loaded: start, in another process, making what the build
    of the project at `root` will not find in `cache` (see `work`) — if `cache`
    holds no PDF or no QR code yet (a fresh clone lacks them all)."""
    if not may_start(root, cache) or all(_has_entries(cache, n) for n in (pdf.NAMESPACE, permalinks.QR_NAMESPACE)):
        return Ahead()
    return start(root)


def start(root: Path) -> Ahead:
    """Start that process (once the content is loaded, when the build found a download
    missing from the cache: typesetting is what is worth another process)."""
    return Ahead(worker_process(Path(root)))


def may_start(root: Path, cache: DiskCache) -> bool:
    """Whether another process can hand its work over: only in the project's own build
    cache (not without one, PLANSITE_NO_CACHE), and not with PLANSITE_NO_WORKER=1."""
    return cache.root == Path(root) / DEFAULT_DIR and os.environ.get(NO_WORKER_ENV) != "1"


def _has_entries(cache: DiskCache, namespace: str) -> bool:
    """Whether `cache` holds an entry of `namespace` (a write cut short leaves a `.tmp-` file, no entry)."""
    folder = cache.path(namespace)
    try:
        return folder is not None and any(not f.name.startswith(TMP_PREFIX) for f in folder.iterdir())
    except OSError:
        return False


def worker_process(root: Path) -> subprocess.Popen:
    """`python -m plansite.ahead ROOT` (`work`), with this checkout's plansite/; its work
    comes through its standard input (`Ahead.send`)."""
    return run_module("plansite.ahead", [str(root)], root, stdin=subprocess.PIPE)


def make(root: Path, content: m.Content, site_url: str | None) -> None:
    """Fill the build cache of the project at `root` with the downloads of `content`
    and its QR codes (for `site_url`), through the functions the build takes them
    from. The QR codes last: a build that waits for the downloads
    (`Site.finish_downloads`) encodes the ones still missing meanwhile, and this
    process then finds them in the cache."""
    from . import downloads, study

    cache = DiskCache(root / DEFAULT_DIR)
    downloads.build(content, root / "templates", cache)
    permalinks.static_files(content, site_url, cache)
    study.static_files(content, site_url, cache)


def _warm_up() -> None:
    """Import WeasyPrint and set its fonts up before there is anything to typeset.
    (Here, not in plansite.pdf: a change of that file changes every PDF's identifier.)"""
    import weasyprint  # noqa: F401

    pdf._font_config()


def work(root: Path, job: BinaryIO) -> None:
    """The other process: get ready to typeset while the build loads the content, then
    `make` what the build sends (`Ahead.send`; nothing if it sends nothing)."""
    # Read meanwhile, so that the build's write never waits for a full pipe.
    sent: list[bytes] = []
    reader = threading.Thread(target=lambda: sent.append(job.read()))
    reader.start()
    from . import downloads, study  # noqa: F401 - imported now, while the build loads the content

    _warm_up()
    reader.join()
    if sent and sent[0]:
        content, site_url = pickle.loads(sent[0])
        make(root, content, site_url)


if __name__ == "__main__":
    work(Path(sys.argv[1]), sys.stdin.buffer)
