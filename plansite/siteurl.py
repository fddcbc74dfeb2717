"""Absolute URLs that work for the people who scan them, or a loud stop.

Short URLs and QR codes carry `site_url`. Built with the local default
(http://127.0.0.1:8000/), a printed QR code leads nowhere on anyone else's
phone: a local build warns and the trainers' page shows a notice; a
publishing build (PLANSITE_PUBLISH=1: `./run.sh publish`, the Pages
workflow) refuses to build at all.

>>> is_local("http://127.0.0.1:8000/")
True
>>> is_local("http://localhost/plan/")
True
>>> is_local("https://so-khdt.github.io/ke-hoach/")
False
>>> is_local(None)
True
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

PUBLISH_ENV = "PLANSITE_PUBLISH"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_local(site_url: str | None) -> bool:
    """True when `site_url` only reaches the machine that built the site (or is unset)."""
    host = (urlsplit(site_url or "").hostname or "").lower()
    if not host or host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


def publish_problem(site_url: str | None) -> str | None:
    """Why a publishing build must stop, or None."""
    if not is_local(site_url):
        return None
    return (f"site_url is {site_url or '(unset)'!s}, a local address: every short URL and QR code would "
            f"point to it — set SITE_URL to the public address (the Pages workflow sets it from "
            f"actions/configure-pages), e.g. SITE_URL=https://<owner>.github.io/<repo>/ ./run.sh publish")


def local_warning(site_url: str | None, where: str) -> str:
    return (f"{where}: short URLs and QR codes point to {site_url}, which works only on this machine — "
            f"set SITE_URL to the public address before printing or publishing")
