"""Quality gates on the built site: accessibility, HTML validity, links, print.

* Accessibility — axe-core (npm axe-core 4.14.1, MPL-2.0, pinned in
  package-lock.json; run.sh installs it into node_modules/) injected into every page type in Chromium; WCAG 2.0
  and 2.1, levels A and AA, plus axe's best-practice rules (Lighthouse's
  accessibility score counts some of them, e.g. aria-dialog-name).
* HTML validity — the Nu Html Checker (npm vnu-jar 26.9.27, MIT, pinned in
  package-lock.json; needs Java 17+) over every page type in one run.
* Links — a crawler from index.html over the whole built site: every internal
  href/src (pages, stylesheets, scripts, images, meta refresh, Material's
  search worker, url() in stylesheets) must exist, every #fragment must be an
  id in its target, and every page must be reachable.
* Print — Chromium prints toan-van.html to PDF; pdftotext must find every
  sentence of the source plan and none of the navigation chrome.

Nothing is allowed silently. Each gate has an allow-list dict (what → why) in
two parts: Material's own markup, which cannot be changed from outside the
theme, and problems in plansite code outside the templates/CSS that have been
reported to its owners. An allow-list entry that no longer matches anything
fails the gate too, so a fix upstream shrinks the list instead of hiding the
next problem.

Without Java or pdftotext a gate skips loudly; with PLANSITE_REQUIRE_BROWSER=1
(CI) it fails instead, like the browser tests.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from helpers import PAGE_TYPES as READER_PAGE_TYPES, REPO, source_sentences, squash
from plansite.paths import MOVED_PAGES

NODE_MODULES = REPO / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_VERSION = "26.9.27"

# One page of each kind the site has, and the trainers' and study pages.
PAGE_TYPES = [
    *READER_PAGE_TYPES,
    "giang-vien.html",
    "on-tap/index.html",
    "on-tap/muc/II.html",
    "on-tap/phat-tay.html",
    "on-tap/dap-an.html",
    "on-tap/giang-vien.html",
]


def _missing_tool(reason: str):
    """Skip loudly, or fail when CI demands every gate (PLANSITE_REQUIRE_BROWSER=1)."""
    reason = f"QUALITY GATE NOT RUN: {reason}"
    if os.environ.get("PLANSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (PLANSITE_REQUIRE_BROWSER=1 makes this an error)", pytrace=False)
    pytest.skip(reason)


def _stale(allowed: dict, used: set) -> list[str]:
    return [f"{key!r} ({why})" for key, why in allowed.items() if key not in used]


# -----------------------------------------------------------------------------
# Accessibility: axe-core
# -----------------------------------------------------------------------------

# best-practice: Lighthouse scores rules such as aria-dialog-name (Material's
# search dialog, named by the hooks) that carry no WCAG tag.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# (rule id, regex on the node's CSS target) -> reason.
# Material's own markup: nothing needed (all pages pass with Material 9.8.2).
AXE_MATERIAL: dict[tuple[str, str], str] = {}

# Reported, outside templates/ and CSS; remove the entry when fixed.
AXE_REPORTED: dict[tuple[str, str], str] = {}


def _axe_allowed(rule: str, target: str) -> tuple[str, str] | None:
    for key in (*AXE_MATERIAL, *AXE_REPORTED):
        if key[0] == rule and re.search(key[1], target):
            return key
    return None


@pytest.fixture
def audit_page(browser):
    """A page that lets the audit tool in: axe is injected as an inline script,
    which the site's Content-Security-Policy (rightly) blocks."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def every_page(site: Path) -> list[str]:
    """Every page a reader or editor can open: all built HTML with the theme's
    layout (redirect pages of short and moved URLs are not pages), and 404.html."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "assets" not in p.relative_to(site).parts
                  and 'data-md-component="content"' in p.read_text(encoding="utf-8"))


def _axe(page, base: str, paths: list[str]) -> tuple[list[str], set]:
    """axe-core on each page: (problems, allow-list entries used)."""
    problems, used = [], set()
    for path in paths:
        page.goto(base + path, wait_until="load")
        page.add_script_tag(path=str(AXE))
        assert page.evaluate("axe.version") == AXE_VERSION
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS)
        for violation in result["violations"]:
            for node in violation["nodes"]:
                target = " >>> ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
                key = _axe_allowed(violation["id"], target)
                if key:
                    used.add(key)
                    continue
                summary = " ".join((node.get("failureSummary") or "").split())
                problems.append(f"{path}: {violation['id']} ({violation['impact']}) at {target}: "
                                f"{violation['help']} — {summary} — {node['html'][:160]}")
    return problems, used


@pytest.mark.browser
def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(site_server, built_site, audit_page):
    page = audit_page
    assert AXE.exists(), f"{AXE} is missing (npm axe-core {AXE_VERSION}: run `npm ci`)"
    pages = every_page(built_site)
    assert set(PAGE_TYPES) | {"404.html", "giang-vien/II.html", "bien-tap/hieu-nang.html"} <= set(pages)
    problems, used = _axe(page, site_server, pages)
    assert problems == [], "axe-core violations:\n" + "\n".join(problems)
    stale = _stale({**AXE_MATERIAL, **AXE_REPORTED}, used)
    assert stale == [], "allow-list entries that match nothing any more — remove them:\n" + "\n".join(stale)


@pytest.mark.browser
def test_axe_finds_no_violation_at_phone_width_on_any_page_type(site_server, browser):
    """Phones get other layouts (drawer, cards, relation lists, 44 px buttons)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  bypass_csp=True)  # axe is injected inline, which the site's CSP blocks
    try:
        extra = ["404.html", "giang-vien/II.html", "bien-tap/hieu-nang.html", "van-ban/qd-217-tw.html"]
        problems, _ = _axe(context.new_page(), site_server, PAGE_TYPES + extra)
    finally:
        context.close()
    assert problems == [], "axe-core violations at 360 px:\n" + "\n".join(problems)


# -----------------------------------------------------------------------------
# HTML validity: the Nu Html Checker
# -----------------------------------------------------------------------------

# (regex on the message, regex on the extract) -> reason.
VNU_MATERIAL: dict[tuple[str, str], str] = {
    (r"^Attribute “autocomplete” is only allowed when the input type is ", r'type="checkbox"'):
        "Material's base.html puts autocomplete=\"off\" on its drawer/search toggle checkboxes "
        "(so Firefox does not restore their state on reload); only a theme override could drop it.",
    (r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     r'<label class="md-nav__title" for="__toc">'):
        "Material's partials/toc.html labels the table of contents for the __toc toggle that "
        "partials/nav-item.html renders only for pages in the navigation; the editors' pages "
        "(docs/bien-tap/) are deliberately kept out of the reader's navigation (not_in_nav).",
    (r"^Bad value “” for attribute “tabindex” on element “label”", r'class="md-nav__link"'):
        "Material's partials/nav-item.html renders tabindex=\"\" on section labels when the "
        "navigation.sections feature is on (its Jinja variable is unset for sections).",
}

# Reported, outside templates/ and CSS; remove the entry when fixed.
VNU_REPORTED: dict[tuple[str, str], str] = {}


def _vnu_allowed(message: str, extract: str) -> tuple[str, str] | None:
    for key in (*VNU_MATERIAL, *VNU_REPORTED):
        if re.search(key[0], message) and re.search(key[1], extract):
            return key
    return None


def test_nu_html_checker_finds_no_error_on_any_page_type(built_site):
    java = shutil.which("java")
    if java is None:
        _missing_tool("java is not installed (the Nu Html Checker needs Java 17+: "
                      "apt-get install -y openjdk-17-jre-headless)")
    assert VNU.exists(), f"{VNU} is missing (npm vnu-jar {VNU_VERSION}: run `npm ci`)"
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", *PAGE_TYPES],
                         cwd=built_site, capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar gave no JSON report (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    assert report["version"].startswith(VNU_VERSION)
    problems, used = [], set()
    for msg in report["messages"]:
        if msg["type"] not in ("error", "non-document-error"):
            continue
        extract = msg.get("extract", "")
        key = _vnu_allowed(msg["message"], extract)
        if key:
            used.add(key)
            continue
        where = os.path.relpath(unquote(urlsplit(msg.get("url", "")).path), built_site)
        problems.append(f"{where}:{msg.get('lastLine', '?')}:{msg.get('lastColumn', '?')}: {msg['message']} "
                        f"— {' '.join(extract.split())[:160]!r}")
    assert problems == [], "Nu Html Checker errors:\n" + "\n".join(problems)
    stale = _stale({**VNU_MATERIAL, **VNU_REPORTED}, used)
    assert stale == [], "allow-list entries that match nothing any more — remove them:\n" + "\n".join(stale)


# -----------------------------------------------------------------------------
# Links
# -----------------------------------------------------------------------------

# Fragments that name no element on purpose; skipped, with the reason. None
# is needed today: Material's toggles (__search, __drawer) are <label for=…>,
# not links. An empty fragment ("#", "page.html#") is the top of the page and
# is not checked.
SPECIAL_FRAGMENTS: dict[str, str] = {}

# The site's own absolute URL (canonical links, short URLs on the trainers'
# page): links under it are checked as internal paths.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/")

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)


def _resolve(site: Path, here: str, ref: str) -> tuple[str, str] | None:
    """(site-relative path, fragment) of an internal reference, None for external/special ones."""
    ref = ref.strip()
    if ref.startswith(SITE_URL):
        ref = "/" + ref[len(SITE_URL):]
        base = ""
    else:
        base = posixpath.dirname(here)
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:  # mailto:, data:, javascript:, other hosts
        return None
    path = unquote(parts.path)
    if not path:
        target = here
    elif path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/")) if path != "/" else "index.html"
    else:
        target = posixpath.normpath(posixpath.join(base, path))
    if (site / target).is_dir():  # what a web server answers for a folder URL (short URLs k/<id>/)
        target = posixpath.join(target, "index.html")
    return target, unquote(parts.fragment)


def _references(soup: BeautifulSoup) -> list[str]:
    refs = []
    for tag in soup.find_all(["a", "link", "script", "img", "source", "iframe", "use", "image"]):
        for attr in ("href", "src", "xlink:href"):
            value = tag.get(attr)
            if value and not (tag.name == "link" and {"preconnect", "dns-prefetch"} & set(tag.get("rel", []))):
                refs.append(value)
    for meta in soup.find_all("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
        found = REFRESH_URL.search(meta.get("content", ""))
        if found:
            refs.append(found.group(1))
    # Material loads its search worker from the path in its page config.
    config = soup.find("script", id="__config")
    if config and config.string:
        data = json.loads(config.string)
        if data.get("search"):
            refs.append(data["search"])  # relative to the page, like an href
    return refs


@functools.lru_cache(maxsize=4)
def crawl(site: Path, start: str = "index.html") -> tuple[frozenset[str], tuple[str, ...]]:
    """Follow every internal reference from `start`; return (visited files, broken references)."""
    ids: dict[str, set[str]] = {}
    broken: list[str] = []
    seen = {start}
    queue = [start]
    wanted: list[tuple[str, str, str, str]] = []  # (from, ref, target, fragment)
    while queue:
        here = queue.pop()
        file = site / here
        if here.endswith(".html"):
            soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
            ids[here] = {el["id"] for el in soup.find_all(id=True)} | {
                el["name"] for el in soup.find_all("a", attrs={"name": True})}
            refs = _references(soup)
        elif here.endswith(".css"):  # url() in stylesheets (Material's are all data: URLs today)
            refs = [m.group(2) for m in CSS_URL.finditer(file.read_text(encoding="utf-8"))]
        else:
            continue
        for ref in refs:
            resolved = _resolve(site, here, ref)
            if resolved is None:
                continue
            target, fragment = resolved
            if not (site / target).is_file():
                broken.append(f"{here}: {ref!r} -> {target} does not exist")
                continue
            if fragment:
                wanted.append((here, ref, target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    for here, ref, target, fragment in wanted:
        if fragment in SPECIAL_FRAGMENTS or not target.endswith(".html"):
            continue
        if fragment not in ids.get(target, set()):
            broken.append(f"{here}: {ref!r} -> no id {fragment!r} in {target}")
    return frozenset(seen), tuple(broken)


def test_every_internal_link_and_anchor_resolves(built_site):
    seen, broken = crawl(built_site)
    assert len(seen) > 50
    assert broken == (), f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken)))


def test_every_page_is_reachable_from_the_home_page(built_site):
    seen, _ = crawl(built_site)
    pages = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")}
    # The server shows 404.html itself; moved pages' old addresses only forward old links.
    unreachable = sorted(pages - seen - {"404.html"} - set(MOVED_PAGES))
    assert unreachable == []


# -----------------------------------------------------------------------------
# Print
# -----------------------------------------------------------------------------


CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-search", ".md-top", ".md-skip",
          ".md-dialog", ".plan-copy", ".headerlink", ".plan-permalink"]


@pytest.mark.browser
@pytest.mark.content  # compares with the source text: a fact of the real plan
def test_printed_full_text_has_every_sentence_and_no_navigation(site_server, page, tmp_path):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        _missing_tool("pdftotext is not installed (apt-get install -y poppler-utils)")
    page.goto(site_server + "toan-van.html", wait_until="load")
    page.wait_for_selector(".plan-copy", state="attached")  # plan.js ran: its buttons exist
    # The screen's chrome: texts (and the search placeholder) that are not also article text.
    chrome = page.evaluate("""sel => {
        const out = [];
        for (const el of document.querySelectorAll(sel.join(","))) {
            if (el.closest("article") && !el.matches(".plan-copy, .headerlink, .plan-permalink")) continue;
            const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) out.push(walk.currentNode.nodeValue);
            for (const i of el.querySelectorAll("[placeholder]")) out.push(i.getAttribute("placeholder"));
        }
        return out;
    }""", CHROME)
    article = page.evaluate("""() => {
        const a = document.querySelector("article").cloneNode(true);
        a.querySelectorAll(".plan-copy, .headerlink, .plan-permalink").forEach(e => e.remove());
        return a.textContent;
    }""")
    pdf = tmp_path / "toan-van.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    printed = squash(text)

    sentences = source_sentences()
    assert len(sentences) > 100
    missing = [s for s in sentences if squash(s) not in printed]

    words = " ".join(text.split())
    in_article = squash(article)
    leaked = sorted({" ".join(t.split()) for t in chrome
                     if t.strip() and squash(t) not in in_article
                     and re.search(r"(?<!\w)" + re.escape(" ".join(t.split())) + r"(?!\w)", words)})
    assert (missing, leaked) == ([], []), (
        f"{len(missing)} sentences of the source are not in the printed PDF: {missing}\n"
        f"navigation chrome in the printed PDF: {leaked}")
    # The chrome the brief names is among what was looked for: the nav section
    # of the cited documents, the search box, the footer's previous/next and
    # the heading permalinks.
    for label in ("Văn bản liên quan", "Tìm kiếm", "Trước", "Sau", "¶"):
        assert any(" ".join(t.split()) == label for t in chrome), f"{label!r} is no longer chrome on screen"
        assert squash(label) not in in_article, f"{label!r} is article text too; pick another marker"


# -----------------------------------------------------------------------------
# Stylesheet
# -----------------------------------------------------------------------------

STYLESHEET = REPO / "docs" / "assets" / "plan.css"


def _css_problems(css: str) -> list[str]:
    """Parse errors, and section banners ("/* ---- stream: … ---- */") that are
    not at the top level: a block left open swallows every later section (a
    merge once put the sharing, footnote and history rules inside @media print)."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=True)
    problems = [f"line {r.source_line}: {r.message}" for r in rules if r.type == "error"]
    for rule in rules:
        for token in (rule.content or []) if rule.type in ("at-rule", "qualified-rule") else []:
            if token.type == "error":
                problems.append(f"line {token.source_line}: {token.message}")
    top = sum(1 for r in rules if r.type == "comment" and r.value.lstrip().startswith("----"))
    banners = len(re.findall(r"/\*\s*----", css))
    if top != banners:
        problems.append(f"{banners - top} of {banners} section banners are inside a block left open")
    return problems


@pytest.mark.parametrize(("css", "expected"), [
    (".a { x: 1 }\n/* ---- b ---- */\n.b { x: 2 }", []),
    ("@media print { .a { x: 1 }\n/* ---- b ---- */\n.b { x: 2 }", ["1 of 1 section banners are inside a block left open"]),
    (".a { x: 1\n/* ---- b ---- */\n.b { x: 2 }", ["1 of 1 section banners are inside a block left open"]),
])
def test_stylesheet_check_finds_blocks_left_open(css, expected):
    assert _css_problems(css) == expected


def test_stylesheet_parses_and_every_section_is_at_the_top_level():
    assert _css_problems(STYLESHEET.read_text(encoding="utf-8")) == []
