"""A live preview's downloads, made in another process after the preview is served.

Typesetting the PDFs (and writing the DOCX) is most of a rebuild after a text
edit. While previewing, a rebuild keeps the downloads it cannot take from the
build cache with their earlier bytes (`downloads.build`'s `stale`); once the
preview is served, `BackgroundDownloads.start` makes them in another process
(`python -m plansite.downloads ROOT DONE`, `downloads.fill_cache`), which fills
the build cache and then writes the done-marker. The generator watches that
marker: its change rebuilds the preview, now from the cache. A build to
publish never keeps stale bytes (`site.prepare_build`).

Generator-independent: the glue only tells the generator to watch `done`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .downloads import fill_cache_process

if TYPE_CHECKING:
    from .site import Site

MARKER = "downloads-made"


@dataclass
class BackgroundDownloads:
    """The preview's maker of downloads: its done-marker and its running process."""

    done: Path  # written by the process when done ("ok" or the error); the generator watches it
    worker: subprocess.Popen | None = None

    @classmethod
    def for_site(cls, site: Site) -> BackgroundDownloads | None:
        """The maker for a preview of `site` (None when there is no build cache to hand
        the downloads over in — PLANSITE_NO_CACHE — or its folder cannot be written)."""
        folder = site.cache_folder("serve")
        if folder is None:
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / MARKER).touch()
        except OSError:
            return None
        return cls(folder / MARKER)

    def stale(self, last_good: Site | None) -> dict[str, bytes] | None:
        """For the next rebuild: the last good site's downloads, which it may keep while
        the changed ones are made later (None: make every download now). Stops the
        process making an older save's downloads."""
        failed = self.worker is not None and self.worker.poll() not in (None, 0)
        self.stop()
        if last_good is None or failed:
            return None  # after a failure, make them in the build: the error is its own
        return {d.path: d.data for d in last_good.downloads}

    def start(self, site: Site) -> list[str]:
        """Start making the downloads `site` kept from before (their paths; empty: none,
        nothing started). Call after the preview is served, so that the build and
        this process do not share the processor."""
        late = [d.path for d in site.downloads if d.stale]
        if not late:
            return late
        self.stop()
        self.worker = fill_cache_process(site.root, self.done)
        return late

    def stop(self) -> None:
        """Stop the process if it is still making downloads (they are out of date)."""
        worker, self.worker = self.worker, None
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait()
