"""A content-addressed disk cache for build steps whose output depends only on their input.

Used for what stays the same while the editor changes the plan: QR codes (a
QR code is a function of its URL and title), schema checks of files that did
not change, and compiled Jinja templates. A key is a hash of every input
(including the code and package versions that produce the entry), so an
entry can never be stale; deleting the folder is always safe. Nothing is
cached when the folder is None or PLANSITE_NO_CACHE is set (the benchmark's
cold builds).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

DEFAULT_DIR = ".cache/plansite"


def key(*parts: str | bytes) -> str:
    """A hash of `parts`, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@cache
def version(distribution: str) -> str:
    """The installed version of a package, part of the key of whatever it produces."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def code_version(module_file: str) -> str:
    """A hash of the module that produces an entry, part of its key: changing
    how something is made (not only its inputs) must never reuse old output,
    and CI keeps the cache from one commit to the next."""
    try:
        return key(Path(module_file).read_bytes())
    except OSError:
        return "unknown"


TMP_PREFIX = ".tmp-"  # a write in progress (or cut short): never an entry

class DiskCache:
    """Bytes by (namespace, key) under `root`; a no-op when `root` is None."""

    def __init__(self, root: Path | str | None):
        self.root = None if root is None or os.environ.get("PLANSITE_NO_CACHE") else Path(root)

    def __bool__(self) -> bool:
        return self.root is not None

    def path(self, namespace: str) -> Path | None:
        return None if self.root is None else self.root / namespace

    def get(self, namespace: str, name: str) -> bytes | None:
        if self.root is None:
            return None
        try:
            return (self.root / namespace / name).read_bytes()
        except OSError:
            return None

    def put(self, namespace: str, name: str, data: bytes) -> None:
        """Write atomically; a cache that cannot be written is only slower, never an error."""
        if self.root is None:
            return
        folder = self.root / namespace
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, folder / name)
        except OSError:
            pass


NO_CACHE = DiskCache(None)


def bytecode_cache(folder: Path | None):
    """Jinja's on-disk cache of compiled templates in `folder` (None: none, or the folder
    cannot be made — a read-only checkout builds, only slower). Jinja checks each
    entry against its template's source."""
    if folder is None:
        return None
    import jinja2

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
