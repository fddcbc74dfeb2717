"""A corpus of XSS payloads in every text field of every content file: the
site builds, and no page opened in Chromium runs a dialog or carries an
injected element or attribute.

Payloads: event handlers, `javascript:` URLs, attribute breakouts, attr_list
braces, SVG, entity tricks, Markdown links and raw HTML blocks. Every string
value of every content file gets one (in turn), except the values that are
data rather than text (ids, references, enumerations, dates, document
numbers that must parse) and, in labels the code fills in, the braces of the
placeholders.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO, copy_project

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "'><a href=javascript:alert(4)>x</a>",
    "{onmouseover=alert(5) id=xss-attr}",
    "<svg><script>alert(6)</script></svg>",
    "&lt;img src=x onerror=alert(7)&gt;",
    "[bấm](javascript:alert(8))",
    "<iframe src=javascript:alert(9)></iframe>",
    "<a href='jav&#x09;ascript:alert(10)'>x</a>",
    "\" onmouseover=\"alert(11)",
    "<details open ontoggle=alert(12)>",
    "![x](x){onerror=alert(13)}",
    "<math><mtext><img src=x onerror=alert(14)></mtext></math>",
    "## {: onclick=alert(15) }",
]
BRACELESS = [p for p in PAYLOADS if "{" not in p and "}" not in p]
# Values that are data, not text: changing them changes what the content means.
DATA_KEYS = {"id", "moved_from", "kind", "kinds", "type", "target", "parent", "lead", "support", "issuer", "related",
             "document", "date", "deadline", "start", "end", "role", "prefix", "also_numbered", "cited_as", "unit",
             "abbr", "is_plan", "version"}
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
DATA_PATHS = {("documents", "number"), ("header", "number"), ("units", "kind")}


def _poison(node, path: tuple, counter: list[int], *, file: str, placeholders: set[str]):
    """`node` with a payload appended to every text value."""
    if isinstance(node, dict):
        return {k: (v if k in DATA_KEYS or (file, k) in DATA_PATHS or (path[:1] + (k,)) in DATA_PATHS
                    else _poison(v, path + (k,), counter, file=file, placeholders=placeholders))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, path + (i,), counter, file=file, placeholders=placeholders) for i, v in enumerate(node)]
    if isinstance(node, str):
        if ID.fullmatch(node) and path[-1] != "number":  # an id or a reference to one, however its key is named
            return node
        pool = BRACELESS if "/".join(map(str, path)) in placeholders else PAYLOADS
        counter[0] += 1
        return f"{node} {pool[counter[0] % len(pool)]}"
    return node


def _placeholder_labels() -> set[str]:
    import json

    schema = json.loads((REPO / "content/schema/labels.schema.json").read_text(encoding="utf-8"))
    out = set()

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            if "x-placeholders" in sub:
                out.add("/".join(path + (key,)))
            walk(sub, path + (key,))
    walk(schema, ())
    return out


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory) -> tuple[Path, int]:
    project = tmp_path_factory.mktemp("xss")
    copy_project(project)
    counter = [0]
    placeholders = _placeholder_labels()
    for path in sorted((project / "content").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        poisoned = _poison(data, (), counter, file=path.stem,
                           placeholders=placeholders if path.name == "labels.yaml" else set())
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
                            cwd=project, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-5000:]
    return project / "site", counter[0]


def _injected_markup(text: str) -> list[str]:
    """What an injection leaves in a page's markup, parsed as a browser would:
    elements the page never writes, event-handler attributes, javascript:
    URLs and scripts other than the redirect's own. (A payload shown as
    escaped text is not markup: "&lt;details ontoggle=…&gt;" is harmless.)"""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    found = [el.name for el in soup.find_all(["iframe", "img", "math", "svg", "details", "object", "embed"])]
    for el in soup.find_all(True):
        found += [f"{el.name}[{a}]" for a in el.attrs if a.lower().startswith("on")]
        found += [f"{el.name}[{a}=javascript:]" for a, v in el.attrs.items()
                  if isinstance(v, str) and v.strip().lower().startswith("javascript:")]
    found += [f"script: {s.get_text()[:40]}" for s in soup.find_all("script")
              if not s.get_text().startswith("location.replace(")]
    return found
# What an injection leaves in the DOM; the theme itself has none of these.
INJECTED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) out.push(`${el.tagName} ${a.name}`);
      if (/^\\s*javascript:/i.test(a.value.replace(/[\\s\\u0000-\\u001f]/g, ''))) out.push(`${el.tagName} ${a.name}=${a.value}`);
    }
  }
  for (const sel of ['iframe', 'img[src="x"]', '#xss-attr', 'math', 'details[ontoggle]', 'svg[onload]'])
    for (const el of document.querySelectorAll(sel))
      // the theme's own: the iframe-worker polyfill (offline search from file://) adds one <iframe hidden>
      if (!(sel === 'iframe' && el.attributes.length === 1 && el.hasAttribute('hidden'))) out.push(`${sel}`);
  for (const s of document.querySelectorAll('script:not([src])'))
    if (/alert/.test(s.textContent)) out.push('script ' + s.textContent.slice(0, 40));
  return out;
}"""


@pytest.mark.browser
def test_no_payload_runs_or_injects_on_any_page(browser, poisoned_site):
    site, fields = poisoned_site
    assert fields > 250  # every text field of every file carries a payload (256 today)
    pages = sorted(p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("assets/"))
    assert len(pages) > 80
    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(15_000)
    dialogs: list[str] = []
    found: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for path in pages:
            text = path.read_text(encoding="utf-8")
            if 'http-equiv="refresh"' in text:  # a redirect page: it navigates away at once; read its markup
                injected = _injected_markup(text)
            else:
                page.goto(path.as_uri(), wait_until="load")
                injected = page.evaluate(INJECTED)
            if injected:
                found[path.relative_to(site).as_posix()] = injected
    finally:
        context.close()
    assert dialogs == []
    assert found == {}, "\n".join(f"{k}: {v[:5]}" for k, v in sorted(found.items())[:20])
