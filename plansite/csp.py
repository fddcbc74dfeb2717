"""Content-Security-Policy: only the theme's own inline scripts may run.

overrides/main.html puts a policy in every page's <head> whose script-src
holds a placeholder; `apply_policy` replaces it with the SHA-256 hashes of
the page's inline scripts that belong to the theme (recognised by how they
start) and of the one the offline search shim writes into its iframe when
the site is opened from a folder (file://). Everything else is blocked:
inline event handlers, `javascript:` URLs, injected <script> elements and
scripts from other origins.

    >>> page = f"<meta content='{PLACEHOLDER}'><script>__md_scope=new URL(1)</script><script>alert(1)</script>"
    >>> html, unknown = apply_policy(page, "")
    >>> unknown
    ['alert(1)']
    >>> html.startswith("<meta content=''sha256-")
    True
"""

from __future__ import annotations

import base64
import hashlib
import re

PLACEHOLDER = "'plansite-inline-scripts'"
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\s*')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
# Material's inline scripts (material/templates/base.html): where the site
# lives and its local storage helpers; the palette restore from the hash.
THEME_SCRIPTS = ("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1))")
CONFIG_SEARCH = re.compile(r'<script id="__config" type="application/json">.*?"search": "([^"]*)"', re.S)


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def apply_policy(html: str, shim: str) -> tuple[str, list[str]]:
    """The page with its policy's placeholder replaced by the allowed scripts'
    hashes, and the inline scripts that were not allowed (they will not run)."""
    if PLACEHOLDER not in html:
        return html, []
    allowed: list[str] = []
    unknown: list[str] = []
    for attrs, body in SCRIPT.findall(html):
        if "src=" in attrs or "application/json" in attrs or not body.strip():
            continue
        (allowed if body.startswith(THEME_SCRIPTS) else unknown).append(body)
    search = CONFIG_SEARCH.search(html)
    worker = shim_script(shim, search.group(1)) if search and shim else None
    if worker is not None:
        allowed.append(worker)
    hashes = " ".join(dict.fromkeys(script_hash(s) for s in allowed))
    return html.replace(PLACEHOLDER, hashes or "'none'", 1), unknown


def remove_policy(html: str) -> str:
    """The page without its policy (the live preview injects its own script)."""
    return META.sub("", html, count=1)


def shim_script(shim: str, worker_url: str) -> str | None:
    """The inline script iframe-worker (the offline search shim) writes into
    its iframe for `worker_url`: `postMessage=${c};importScripts=${d};…`."""
    template = re.search(r"document\.write\(`<html><body><script>(.*?)<\\/script>", shim, re.S)
    if template is None:
        return None
    out = template.group(1)
    for name in set(re.findall(r"\$\{(\w)\}", out)) - {"e"}:
        source = _function_source(shim, name)
        if source is None:
            return None
        out = out.replace("${" + name + "}", source)
    return out.replace("${e}", worker_url)


def _function_source(js: str, name: str) -> str | None:
    """`function name(...){...}` as written (what Function.prototype.toString gives)."""
    start = js.find(f"function {name}(")
    if start < 0:
        return None
    depth, i = 0, js.index("{", start)
    while i < len(js):
        depth += {"{": 1, "}": -1}.get(js[i], 0)
        if depth == 0:
            return js[start: i + 1]
        i += 1
    return None
