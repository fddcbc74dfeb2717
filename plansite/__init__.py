"""Core of the plan site: load, validate, model, link and render plan content.

Plain Python with no MkDocs import, so it can run as a pre-build step for any
static-site generator (`plansite.prepare`, `python -m plansite prepare`);
`hooks/` only wires it to MkDocs events.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

_LOADED_AT = time.time()
_HERE = Path(__file__).resolve().parent


def prepare(root, site_url=None, **kwargs):
    """The whole site but its HTML, computed once: see plansite.site."""
    from .site import prepare as _prepare

    return _prepare(root, site_url, **kwargs)


def forget_if_changed() -> bool:
    """Drop the core's modules from sys.modules when one of its files changed
    since it was imported, so the next import runs the new code (`mkdocs serve`
    keeps a process across rebuilds). True when it did."""
    if not any(p.stat().st_mtime > _LOADED_AT for p in _HERE.rglob("*.py")):
        return False
    for name in [n for n in sys.modules if n == __name__ or n.startswith(__name__ + ".")]:
        del sys.modules[name]
    return True
