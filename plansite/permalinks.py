"""Links that never break: citable elements, short URLs, aliases and the manifest.

Every citable element of the plan (section, task, item, paragraph, bullet,
footnote) and every cited document gets a formal Vietnamese citation and a
short URL (k/<id>/). Old ids declared with `moved_from` keep landing on the
new place. `permalinks.lock.json` records every published page and anchor;
a build whose site lost one of them fails unless an alias covers it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from .cache import NO_CACHE, DiskCache, code_version, key as cache_key, version
from .errors import Problem
from .paths import (
    EDITOR_DIR,
    MOVED_PAGES,
    TRAINERS,
    UNITS,
    document_path,
    element_paths,
    md_to_html_path,
    relative,
    section_path,
    study_section_path,
    study_unit_path,
    trainers_path,
    unit_path,
)

SHORT_DIR = "k"
QR_DIR = "qr"
QR_NAMESPACE = "qr"  # of the build cache
ARTICLE = re.compile(r"<article\b.*?</article>", re.S)
ID = re.compile(r"""<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\sid\s*=\s*["']([^"']+)["']""")
TITLE_ID = re.compile(r"""<h1\b[^>]*?\sid\s*=\s*["']([^"']+)["']""")
# Ids that are no one's address: SVG internals, and the numbered citation
# anchors the linker makes (they follow the text and are rebuilt each build).
UNLOCKED_TAGS = {"svg", "marker", "path", "g", "defs", "symbol", "clipPath", "linearGradient"}
# The history page's entries (lich-su-…) exist only where the build has the git
# history; a shallow clone must still pass the manifest check.
UNLOCKED_PREFIX = ("trich-dan-", "lich-su-")
# What `python -m plansite permalinks` locks of a page only, not its anchors:
# the editors' area (developers' notes rewritten as the tools change; the
# benchmark writes its page). Ôn tập's question ids follow their elements'
# moved_from (plansite/quiz.py QuestionId): they are locked like the plan's.
PAGE_ONLY_PREFIX = (EDITOR_DIR,)


@dataclass(frozen=True)
class Citable:
    """A citable element: what a trainer can link to, cite and print."""

    id: str
    kind: m.BlockKind | m.CitableKind   # a block of the plan is cited as its kind
    page: str           # canonical page (.md path)
    citation: str       # formal Vietnamese citation
    qr: bool            # gets a QR code on the trainers' page

    @property
    def target(self) -> str:
        """Built address of the element: page.html#id (a document is its page)."""
        page = md_to_html_path(self.page)
        return page if self.kind is m.CitableKind.DOCUMENT else f"{page}#{self.id}"

    @property
    def short(self) -> str:
        return f"{SHORT_DIR}/{self.id}/"


# -----------------------------------------------------------------------------
# Citable units
# -----------------------------------------------------------------------------

def citables(content: m.Content) -> list[Citable]:
    """Every citable element in source order, then the documents."""
    L = content.labels["cite"]
    plan = content.plan
    where = element_paths(content)
    doc = content.document(plan.document)
    issuer = content.unit(doc.issuer).name if doc.issuer else L["unknown_issuer"]
    title = doc.title or plan.header.subject
    # A title that already names its issuer ("… năm 2022 của Sở Kế hoạch và Đầu tư") gets no second "của …".
    of_plan = title if _says(title, issuer) else L["of_plan"].format(title=title, issuer=issuer)
    out: list[Citable] = []

    def cite(parts: list[str]) -> str:
        return L["separator"].join(parts) + L["joiner"] + of_plan

    def walk(blocks, trail: list[str]):
        counter = 0
        for block in blocks:
            if block.kind.is_task:
                parts = trail + [L["task"].format(number=block.number or block.id)]
            elif block.kind in (m.BlockKind.ITEM, m.BlockKind.TARGET):
                parts = trail + [L["item"].format(number=block.number or block.id)]
            else:
                counter += 1
                parts = trail + [L["paragraph"].format(n=counter)]
            out.append(Citable(block.id, block.kind, where[block.id], cite(parts),
                                block.kind.is_task))
            walk(block.blocks, parts)

    for i, block in enumerate(plan.preamble, 1):
        out.append(Citable(block.id, m.CitableKind.PREAMBLE, where[block.id],
                            cite([L["preamble"], L["paragraph"].format(n=i)]), False))
    for section in plan.sections:
        parts = [L["section"].format(number=section.number)]
        out.append(Citable(section.id, m.CitableKind.SECTION, section_path(section), cite(parts), True))
        walk(section.blocks, parts)
    for footnote in plan.footnotes:
        parts = [L["footnote"].format(label=footnote.label)]
        out.append(Citable(footnote.id, m.CitableKind.FOOTNOTE, where[footnote.id], cite(parts), False))
        walk(footnote.blocks, parts)
    if plan.recipients:
        for i, entry in enumerate(plan.recipients.entries, 1):
            out.append(Citable(entry.id, m.CitableKind.RECIPIENT, where[entry.id],
                                cite([L["recipients"], L["paragraph"].format(n=i)]), False))
    for d in content.documents:
        out.append(Citable(d.id, m.CitableKind.DOCUMENT, document_path(d.id), document_citation(content, d), True))
    return out


def document_citation(content: m.Content, doc: m.Document) -> str:
    """'Chỉ thị 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ' — unknowns left out,
    and what the label already says (a title with its issuer or subject) not said twice."""
    L = content.labels["cite"]
    text = content.document_label(doc)
    if doc.date:
        text += " " + L["date"].format(date=doc.date)
    if doc.issuer and not _says(text, content.unit(doc.issuer).name):
        text += " " + L["issuer"].format(issuer=content.unit(doc.issuer).name)
    if doc.subject and not _says(text, doc.subject):
        text += " " + L["subject"].format(subject=doc.subject[0].lower() + doc.subject[1:])
    return text


def _says(text: str, part: str) -> bool:
    """True when `part` is already in `text` (case and spacing aside).

    >>> _says("Kế hoạch cải cách hành chính năm 2022 của Sở Kế hoạch và Đầu tư", "Cải cách hành chính năm 2022")
    True
    """
    def norm(s: str) -> str:
        return " ".join(s.lower().split())
    return norm(part) in norm(text)


# -----------------------------------------------------------------------------
# Aliases and redirects
# -----------------------------------------------------------------------------

def aliases(content: m.Content) -> dict[str, str]:
    """Old id -> built address of the element that replaced it (page.html#id)."""
    where = element_paths(content)
    out = {}
    blocks = [b for b in content.plan.walk()] + list(content.plan.sections)
    for block in blocks:
        for old in block.moved_from:
            out[old] = f"{md_to_html_path(where[block.id])}#{block.id}"
    return out


def section_aliases(content: m.Content) -> dict[str, str]:
    """Old id -> new address of the anchors named after a section (its part of the
    trainers' page, gv-<id>, and of the units' matrix, ma-tran-<id>) when the
    section was renamed (moved_from); for the manifest check, not short URLs."""
    out = {}
    for s in content.plan.sections:
        for old in s.moved_from:
            out[f"gv-{old}"] = f"{md_to_html_path(TRAINERS)}#gv-{s.id}"
            out[f"ma-tran-{old}"] = f"{md_to_html_path(UNITS)}#ma-tran-{s.id}"
    return out


def page_moves(content: m.Content) -> dict[str, str]:
    """Old page (.html) -> new page (.html) for renamed sections, documents, units
    and moved hand-written pages."""
    moves = dict(MOVED_PAGES)
    for s in content.plan.sections:
        for old in s.moved_from:
            moves[f"muc/{old}.html"] = md_to_html_path(section_path(s))
            # the section's own trainers' and Ôn tập pages move with it
            moves[f"giang-vien/{old}.html"] = md_to_html_path(trainers_path(s))
            moves[f"on-tap/muc/{old}.html"] = md_to_html_path(study_section_path(s))
    for d in content.documents:
        for old in d.moved_from:
            moves[md_to_html_path(document_path(old))] = md_to_html_path(document_path(d.id))
    for u in content.units:
        for old in u.moved_from:
            moves[md_to_html_path(unit_path(old))] = md_to_html_path(unit_path(u.id))
            moves[f"on-tap/don-vi/{old}.html"] = md_to_html_path(study_unit_path(u.id))
    return moves


def redirect_page(from_path: str, to_address: str, labels: dict, keep_hash: bool = False) -> str:
    """A static page that forwards to `to_address` (works on GitHub Pages and from a folder)."""
    href = html.escape(relative(to_address, from_path))
    script_target = json.dumps(relative(to_address, from_path))
    extra = " + location.hash" if keep_hash else ""
    return (
        "<!doctype html>\n"
        f'<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(labels["title"])}</title>\n'
        f'<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{href}">\n'
        f"<script>location.replace({script_target}{extra})</script>\n"
        f'</head><body><p>{html.escape(labels["text"])} <a href="{href}">{href}</a></p></body></html>\n'
    )


def static_files(content: m.Content, site_url: str | None, cache: DiskCache = NO_CACHE,
                 later: dict[str, QrCode] | None = None) -> dict[str, str | bytes]:
    """Short-URL redirect pages, moved-page redirects and QR codes, by site path.

    QR codes are the slow part (pure-Python encoding) and depend only on their
    URL and title, which are stable by design: with a `cache` each is made once.
    With `later`, a QR code not in `cache` is put there instead (see `add_qr`).
    """
    labels = content.labels["redirect"]
    files: dict[str, str | bytes] = {}
    for citable in citables(content):
        path = f"{citable.short}index.html"
        files[path] = redirect_page(path, citable.target, labels)
        if citable.qr:
            add_qr(files, f"{QR_DIR}/{citable.id}.svg", QrCode(absolute(site_url, citable.short), citable.citation),
                   cache, later)
    for old, new in aliases(content).items():  # short URLs of renamed ids keep working
        path = f"{SHORT_DIR}/{old}/index.html"
        files[path] = redirect_page(path, new, labels)
    for d in content.documents:
        for old in d.moved_from:
            path = f"{SHORT_DIR}/{old}/index.html"
            files[path] = redirect_page(path, md_to_html_path(document_path(d.id)), labels)
    for old, new in page_moves(content).items():
        files[old] = redirect_page(old, new, labels, keep_hash=True)
    return files


def absolute(site_url: str | None, path: str) -> str:
    base = (site_url or "").rstrip("/")
    return f"{base}/{path}" if base else path


@dataclass(frozen=True)
class QrCode:
    """A QR code file: the URL it encodes and its title, made once through the build cache."""

    url: str
    title: str

    def _name(self) -> str:
        return cache_key("qr", self.url, self.title, repr(_QR_MAKE), repr(_QR_SAVE), version("segno"),
                         code_version(__file__)) + ".svg"

    def cached(self, cache: DiskCache) -> str | None:
        """The SVG if the build cache holds it, without encoding it."""
        data = cache.get(QR_NAMESPACE, self._name())
        return None if data is None else data.decode("utf-8")

    def svg(self, cache: DiskCache = NO_CACHE) -> str:
        """The SVG, from the build cache or encoded now (and kept there)."""
        name = self._name()
        data = cache.get(QR_NAMESPACE, name)
        if data is None:
            data = qr_svg(self.url, self.title).encode("utf-8")
            cache.put(QR_NAMESPACE, name, data)
        return data.decode("utf-8")


def add_qr(files: dict[str, str | bytes], path: str, code: QrCode, cache: DiskCache,
           later: dict[str, QrCode] | None = None) -> None:
    """Put QR code `code` into `files` at site path `path` — or, with `later` and not in
    `cache`, into `later` (another process is encoding it: `Site.finish_downloads`)."""
    if later is None:
        files[path] = code.svg(cache)
    elif (svg := code.cached(cache)) is not None:
        files[path] = svg
    else:
        later[path] = code


def qr_svg(url: str, title: str) -> str:
    """A standalone SVG QR code (with xmlns, so it works as an <img> and as a file)."""
    import io

    import segno  # only needed when QR codes are built

    buffer = io.BytesIO()
    segno.make(url, **_QR_MAKE).save(buffer, title=title, **_QR_SAVE)
    return buffer.getvalue().decode("utf-8")


# Options in one place: they are part of every cached QR code's key.
_QR_MAKE: dict[str, Any] = {"error": "m", "micro": False}
_QR_SAVE: dict[str, Any] = {"kind": "svg", "scale": 4, "border": 2, "svgclass": "plan-qr", "lineclass": None,
            "dark": "#000", "light": "#fff", "xmldecl": False, "encoding": "utf-8"}


# -----------------------------------------------------------------------------
# The manifest (lockfile of published URLs and anchors)
# -----------------------------------------------------------------------------

def scan_site(site_dir: Path) -> dict[str, set[str]]:
    """Published pages of a built site and the ids inside each page's article."""
    index = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel == "404.html" or rel.startswith("assets/"):
            continue
        text = path.read_text(encoding="utf-8")
        article = ARTICLE.search(text)
        ids = ID.findall(article.group()) if article else []
        index[rel] = {i for tag, i in ids if tag not in UNLOCKED_TAGS and not i.startswith(UNLOCKED_PREFIX)}
    return index


def check_manifest(manifest: dict, site: dict[str, set[str]], alias_map: dict[str, str],
                   manifest_name: str = "permalinks.lock.json", moves: dict[str, str] | None = None,
                   hint: Callable[[str, str | None], str | None] | None = None) -> list[str]:
    """Problems: every manifest entry must still resolve (directly, by alias, or
    on the page a moved page forwards to). `hint(page, anchor or None)` may say
    better what a lost link was and how to fix it (a question's: study.lost_link)."""
    problems = []
    moves = moves or {}
    hint = hint or (lambda page, anchor: None)
    for page, anchors in sorted(manifest.get("pages", {}).items()):
        old_title_id = None
        if page in moves and moves[page] in site:
            old_title_id = page.rsplit("/", 1)[-1][: -len(".html")]  # the old page's own h1 id
            page = moves[page]  # the redirect keeps the hash: anchors must exist on the new page
        if page not in site:
            problems.append(
                f"{manifest_name}: published page '{page}' no longer exists — " + (hint(page, None) or
                "if its section, document or unit was renamed, add `moved_from: [<old id>]` to it in content/; "
                "otherwise restore it"))
            continue
        for anchor in anchors:
            if anchor in site[page] or anchor == old_title_id:
                continue
            target = alias_map.get(anchor)
            if target and target.split("#", 1)[0] in site:
                continue
            problems.append(
                f"{manifest_name}: published link '{page}#{anchor}' no longer resolves — " + (hint(page, anchor) or
                f"the id '{anchor}' was removed or renamed; add `moved_from: [{anchor}]` to the element that "
                f"replaces it in content/plan.yaml, or restore the id"))
    return problems


def title_ids(site_dir: Path) -> dict[str, str]:
    """The id of each built page's title (its article's first h1), for the pages that have one."""
    out = {}
    for path in sorted(site_dir.rglob("*.html")):
        article = ARTICLE.search(path.read_text(encoding="utf-8"))
        title = TITLE_ID.search(article.group()) if article else None
        if title:
            out[path.relative_to(site_dir).as_posix()] = title.group(1)
    return out


def update_manifest(manifest: dict, site: dict[str, set[str]], titles: dict[str, str] | None = None) -> dict:
    """Add every page and anchor of the built site; never remove an entry.

    Not added: a page's title id (`titles`: page -> the id of its h1, see
    title_ids) — the page's own address is the permalink, and a title's id
    follows its words (a unit's name, a label), which may change; the anchors
    of pages under PAGE_ONLY_PREFIX.
    """
    titles = titles or {}
    pages = {page: set(anchors) for page, anchors in manifest.get("pages", {}).items()}
    for page, anchors in site.items():
        new = set() if page.startswith(PAGE_ONLY_PREFIX) else {a for a in anchors if a != titles.get(page)}
        pages.setdefault(page, set()).update(new)
    return {"version": 1, "pages": {page: sorted(pages[page]) for page in sorted(pages)}}


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?:\s|$)", re.M)
INIT_HINT = "`python -m plansite permalinks --init` after a build"


def read_manifest(path: Path, display: str) -> tuple[dict | None, list[Problem]]:
    """The manifest at `path`, or the problems that make it unusable (each located).

    A missing file is neither: (None, []). The caller decides whether a
    missing manifest is allowed (it is not in publishing builds).
    """
    restore = f"restore it from git (git checkout -- {display}) or recreate it with {INIT_HINT}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(display, 1, 1, f"the lockfile cannot be read ({exc})", restore)]
    if not text.strip():
        return None, [Problem(display, 1, 1, "the lockfile is empty", restore)]
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        return None, [Problem(display, line, 1, "the lockfile has unresolved merge-conflict markers",
                              "keep the entries of both sides (the lockfile only ever grows) and delete the "
                              "marker lines, or take one side and run `python -m plansite permalinks` after a "
                              "build to add the rest")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(display, exc.lineno, exc.colno, f"the lockfile is not valid JSON: {exc.msg}", restore)]
    problem = _manifest_shape(data, text, display, restore)
    return (None, [problem]) if problem else (data, [])


def _manifest_shape(data, text: str, display: str, restore: str) -> Problem | None:
    """The first place where `data` is not {"version": 1, "pages": {page: [anchor, ...]}}."""
    def at(needle: str) -> tuple[int, int]:
        i = text.find(json.dumps(needle, ensure_ascii=False))
        return (1, 1) if i < 0 else (text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1)

    shape = 'it should be {"version": 1, "pages": {"<page>.html": ["<anchor>", ...]}}'
    if not isinstance(data, dict):
        return Problem(display, 1, 1, f"the lockfile holds {type(data).__name__}, not an object; {shape}", restore)
    if data.get("version") != 1:
        return Problem(display, *at("version"), f"the lockfile's version is {data.get('version')!r}, not 1",
                       restore)
    pages = data.get("pages")
    if not isinstance(pages, dict):
        return Problem(display, *at("pages"), f"the lockfile's pages is not an object; {shape}", restore)
    for page, anchors in pages.items():
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            return Problem(display, *at(page), f"the lockfile's entry for '{page}' is not a list of anchors; "
                                               f"{shape}", restore)
    return None


def dump_manifest(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"


def reset_manifest(manifest: dict, name: str = "permalinks.lock.json") -> tuple[dict, list[str]]:
    """An empty manifest for a new plan, and the lines that say what was dropped.

    A new plan's ids are not renames of the old plan's, so `moved_from` is the
    wrong fix for the old entries; they are dropped, each listed. Raises
    ValueError when `manifest` is not a manifest.
    """
    pages = manifest.get("pages") if isinstance(manifest, dict) else None
    if not isinstance(pages, dict):
        raise ValueError("it has no 'pages' mapping")
    lines = []
    for page, anchors in sorted(pages.items()):
        anchors = list(anchors)
        shown = ", ".join(anchors[:8]) + (f", … ({len(anchors) - 8} more)" if len(anchors) > 8 else "")
        lines.append(f"drop {page}" + (f" (#{shown})" if anchors else ""))
    count = sum(len(anchors) + 1 for anchors in pages.values())
    lines.append(f"{name}: dropped {len(pages)} pages and {count} permalinks of the previous plan. "
                 "Build the new plan, then run `python -m plansite permalinks` to record its links.")
    return {"version": 1, "pages": {}}, lines
