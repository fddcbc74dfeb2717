"""Downloads typeset in another process while the build renders the pages.

Typesetting the PDFs that are not in the build cache (WeasyPrint, 1.5–3.5 s on
the real plan) is most of a fresh build and of a build after a text edit, and
runs on one core. `start` hands it to another process
(`python -m plansite.downloads ROOT`, `downloads.fill_cache`), which fills the
project's build cache; `Ahead.join` waits for it where the downloads are needed, and the
build then takes them from the cache with `downloads.build` as always: at the
end of `prepare`, or — `prepare(defer_downloads=True)`, as `prepare_build` asks for a build but not a preview —
only after the generator built the pages (`Site.finish_downloads`), the pages
showing `downloads.PENDING_SIZE` for their sizes until then.

So the output is the serial build's by construction (the same function makes
every byte, the cache only carries them), and a failure is the serial build's
too: the process's outcome is never read — whatever it did not make, the build
makes itself and fails on exactly as it would have. Without a build cache
(PLANSITE_NO_CACHE) or with PLANSITE_NO_WORKER=1, nothing is started.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .cache import DEFAULT_DIR, DiskCache
from .downloads import fill_cache_process, missing

NO_WORKER_ENV = "PLANSITE_NO_WORKER"


@dataclass
class Ahead:
    """The process typesetting a build's uncached downloads (None: nothing to wait for)."""

    process: subprocess.Popen | None = None
    making: tuple[str, ...] = ()  # the downloads' site paths

    def join(self) -> None:
        """Wait until the process is done. Its exit status is not looked at: what it
        did not make, `downloads.build` makes (and fails on) in this process."""
        process, self.process = self.process, None
        if process is not None:
            process.wait()

    def stop(self) -> None:
        """Stop the process (the build failed: its work is not needed now)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait()


def start(root: Path, content: m.Content, cache: DiskCache) -> Ahead:
    """Start typesetting, in another process, the downloads of the project at `root`
    (whose content is `content`) that `cache` lacks."""
    if cache.root != Path(root) / DEFAULT_DIR or os.environ.get(NO_WORKER_ENV) == "1":
        return Ahead()  # no cache (PLANSITE_NO_CACHE), or not the one the process fills
    making = missing(content, root / "templates", cache)
    if not making:
        return Ahead()
    return Ahead(fill_cache_process(Path(root)), tuple(making))
