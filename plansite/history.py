"""Currency and history of the content: what changed, when, and where it is now.

The git history of content/ is the record of every published version. For
each commit that touched content/, the YAML files at that commit are read and
flattened into *elements* (a paragraph, a task's responsibility, a document,
the header…), each keyed by its stable id; comparing the elements of a commit
with those of its parent says which element changed, how (word by word), and
why (the commit message, or content/changes.yaml). From that the site states:

- on every page, "Cập nhật lần cuối": the last commit that changed an
  element the page shows (read from the page's own HTML, so a page's date
  follows what it really renders), and the plan's status from its dates;
- in the footer and for downloads, the published version (`published_version`);
- a "Lịch sử thay đổi" page, and a discreet "đã sửa ngày …" mark on each
  element changed after its first publication.

Without git, or in a shallow clone, the history is unavailable and the site
says so; nothing fails. Flattened files are cached by git blob id, so a build
parses each version of each file once. No MkDocs here: hooks only delegate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from . import model as m
from .cache import NO_CACHE, DiskCache, code_version, key as cache_key, version as pkg_version
from .errors import ContentError
from .paths import GLOSSARY, HOME, document_path, element_paths, md_to_html_path, relative, unit_path

HISTORY = "lich-su.md"
CHANGES_FILE = "changes.yaml"
# The content files whose elements have a history (labels.yaml is the
# interface, not the plan: a new button label does not make a page "updated").
TRACKED = ("plan.yaml", "documents.yaml", "units.yaml", "glossary.yaml")
DRAFT = "draft"  # pseudo-commit for uncommitted edits (while previewing)

try:  # libyaml when available (as the loader does)
    _YAML = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YAML = yaml.SafeLoader


class Kind(enum.Enum):
    """How an element changed between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"


class ChangeType(enum.StrEnum):
    """What the office says a change is (content/changes.yaml: type; labels: history.types)."""

    CORRECTION = "correction"   # sửa lỗi số hóa: the transcription was wrong
    AMENDMENT = "amendment"     # sửa đổi, bổ sung theo một văn bản đã đăng ký


class ElementKind(enum.StrEnum):
    """What a versioned element is when it is not a block of the plan. A block's kind is the word
    its version of plan.yaml writes (an old version's word may be no BlockKind any more): a string."""

    HEADER = "header"
    PLAN_ROOT = "plan-root"          # the plan's own id: its anchor (the title) stands for the header
    SECTION = "section"
    BLOCK = "block"                  # a block whose version writes no kind
    RESPONSIBILITY = "responsibility"
    TIMING = "timing"
    NOTE = "note"
    FOOTNOTE = "footnote"
    RECIPIENT = "recipient"
    KIND = "kind"                    # a kind of document (documents.yaml: kinds)
    RELATION_TYPE = "relation_type"
    DOCUMENT = "document"
    UNIT = "unit"
    TERM = "term"


class Place(enum.StrEnum):
    """A step of an element's place (Element.where), shown by `where_text`: the plan's
    numbering with the cite labels, a registry entry with history.where."""

    HEADER = "header"
    PREAMBLE = "preamble"
    SECTION = "section"
    TASK = "task"
    ITEM = "item"
    PARAGRAPH = "paragraph"
    RESPONSIBILITY = "responsibility"
    TIMING = "timing"
    NOTE = "note"
    FOOTNOTE = "footnote"
    RECIPIENTS = "recipients"
    DOCUMENT = "document"
    UNIT = "unit"
    TERM = "term"
    KIND = "kind"
    RELATION_TYPE = "relation_type"


class Action(enum.StrEnum):
    """What happened to one field of an element (labels: history.actions)."""

    ADD = "add"
    FILL = "fill"      # the source's unknown (null) is now known
    EDIT = "edit"
    REMOVE = "remove"


# -----------------------------------------------------------------------------
# Domain objects
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Element:
    """One versioned piece of content, as read from the YAML at some commit.

    key: namespace and id ("plan:II-4-p1", "document:qd-218-tu", "header").
    where: its place as (type, value) parts, formatted with the labels when shown.
    anchor: the id of the element on the page that carries its mark (a
    responsibility's mark goes on its task), or None.
    fields: field name -> text (None when the file writes `null`, the
    "unknown, to be filled in" of the source); absent fields are left out.
    """

    key: str
    kind: str   # an ElementKind, or a block's kind as its version writes it
    ident: str
    where: tuple[tuple[str, str], ...]
    anchor: str | None
    fields: tuple[tuple[str, str | None], ...]
    moved_from: tuple[str, ...] = ()
    owner: str | None = None   # key of the element this one belongs to (responsibility -> task)

    @property
    def namespace(self) -> str:
        return self.key.split(":", 1)[0] if ":" in self.key else self.key

    def to_json(self) -> list:
        return [self.key, self.kind, self.ident, [list(p) for p in self.where], self.anchor,
                [list(f) for f in self.fields], list(self.moved_from), self.owner]

    @classmethod
    def from_json(cls, data: list) -> Element:
        k, kind, ident, where, anchor, fields, moved, owner = data
        return cls(k, kind, ident, tuple(tuple(p) for p in where), anchor, tuple(tuple(f) for f in fields),
                   tuple(moved), owner)


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.date
    subject: str
    parents: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha != DRAFT else DRAFT

    @property
    def anchor(self) -> str:
        return f"lich-su-{self.short}"   # never in the permalink manifest (permalinks.UNLOCKED_PREFIX)


@dataclass(frozen=True)
class Version:
    """The published version: the commit the site is built from."""

    commit: str | None
    date: dt.date | None
    dirty: bool = False

    @property
    def short(self) -> str | None:
        return self.commit[:7] if self.commit else None

    def text(self, labels: dict) -> str:
        """'Phiên bản 29/11/2026 (abc1234)', for footers and downloaded files."""
        H = labels["history"]
        if not self.commit:
            return H["version_unknown"]
        out = H["version"].format(date=format_date(self.date), commit=self.short)
        return out + (H["version_dirty"] if self.dirty else "")


@dataclass(frozen=True)
class FieldChange:
    name: str
    action: Action
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ChangeNote:
    """One entry of content/changes.yaml: what a change is, and optionally why."""

    type: ChangeType | None
    commit: str | None = None
    element: str | None = None
    document: str | None = None
    reason: str | None = None

    def applies(self, commit: Commit, element: Element) -> bool:
        if self.commit and not commit.sha.startswith(self.commit):
            return False
        ids = (element.ident, *element.moved_from)
        return self.element is None or self.element in ids


@dataclass(frozen=True)
class Change:
    commit: Commit
    kind: Kind
    element: Element             # the element after the change (before it, when removed)
    fields: tuple[FieldChange, ...] = ()
    old_ident: str | None = None  # renamed: the id it had
    note: ChangeNote | None = None

    @property
    def anchor(self) -> str:
        return f"lich-su-{self.commit.short}-{self.element.key.replace(':', '-')}"


@dataclass(frozen=True)
class VersionChanges:
    commit: Commit
    changes: tuple[Change, ...]
    first: bool = False          # the first publication (everything is new)


@dataclass
class History:
    """The history of content/ as far as this checkout knows it."""

    available: bool
    reason: str | None                       # why not: "no-git", "shallow", "no-commits"
    version: Version
    versions: list[VersionChanges] = field(default_factory=list)
    last: dict[str, Commit] = field(default_factory=dict)        # element key -> last commit that changed it
    last_name: dict[str, Commit] = field(default_factory=dict)   # key -> last commit that changed its name
    modified: dict[str, Change] = field(default_factory=dict)    # key -> last change after first publication
    elements: dict[str, Element] = field(default_factory=dict)   # current elements (working tree)
    files: dict[str, Commit] = field(default_factory=dict)       # hand-written page source -> last commit
    order: dict[str, int] = field(default_factory=dict)          # sha -> position in history
    unmatched: list[str] = field(default_factory=list)           # changes.yaml entries no version matched
    _marks: dict | None = field(default=None, repr=False)
    _ident_index: dict | None = field(default=None, repr=False)

    # -- per page --------------------------------------------------------------

    def page_keys(self, html_text: str) -> tuple[set[str], set[str]]:
        """Elements a rendered page shows in full (its anchors and what hangs on
        them, the header block) and elements it only names in a link (a
        document or unit linked by its name)."""
        by_ident = self._by_ident()
        full: set[str] = set()
        for ident in set(_IDS.findall(html_text)) | set(_FRAGMENTS.findall(html_text)):
            full.update(by_ident.get(ident, ()))
        if 'class="plan-header' in html_text:
            full.add("header")
        full &= set(self.elements)
        # A task's units and timing show with it (on the schedule, a unit's
        # page); a document's page shows its kind and relation names.
        full |= {k for k, e in self.elements.items() if e.owner in full}
        if any(k.startswith("document:") for k in full):
            full |= {k for k in self.elements if k.startswith(("kind:", "relation_type:"))}
        named = {f"document:{d}" for d in _DOC_LINKS.findall(html_text)}
        named |= {f"unit:{u}" for u in _UNIT_LINKS.findall(html_text)}
        return full, (named & set(self.elements)) - full

    def page_date(self, html_text: str, source: str | None = None) -> Commit | None:
        """The last commit that changed what the page shows; for a hand-written
        page (`source`, e.g. docs/x.md) the last commit of its file."""
        if not self.available:
            return None
        full, named = self.page_keys(html_text)
        found = [self.last[k] for k in full if k in self.last]
        found += [self.last_name[k] for k in named if k in self.last_name]
        if source is not None and source in self.files:
            found.append(self.files[source])
        return max(found, key=lambda c: (c.date, self.order.get(c.sha, -1))) if found else None

    def marks(self) -> dict[str, Change]:
        """Anchor id on the page -> the last change of an element shown there."""
        if self._marks is not None:
            return self._marks
        out: dict[str, Change] = {}
        for change in self.modified.values():
            anchor = change.element.anchor
            if anchor and (anchor not in out or
                           self.order[change.commit.sha] > self.order[out[anchor].commit.sha]):
                out[anchor] = change
        self._marks = out
        return out

    def _by_ident(self) -> dict[str, list[str]]:
        if self._ident_index is None:
            self._ident_index = {}
            for k, e in self.elements.items():
                self._ident_index.setdefault(e.ident, []).append(k)
                if e.kind == ElementKind.PLAN_ROOT:  # the plan's own anchor (its title) stands for the header
                    self._ident_index[e.ident].append("header")
        return self._ident_index


_IDS = re.compile(r'\sid="([^"]+)"')
_FRAGMENTS = re.compile(r'href="[^"#]*#([^"]+)"')
_DOC_LINKS = re.compile(r'href="[^"]*?van-ban/([A-Za-z0-9_-]+)\.html')
_UNIT_LINKS = re.compile(r'href="[^"]*?don-vi/([A-Za-z0-9_-]+)\.html')


# -----------------------------------------------------------------------------
# Dates, status, version
# -----------------------------------------------------------------------------

def format_date(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def build_date(today: dt.date | None = None) -> dt.date:
    """"Today" for the plan's status: the build date, or PLANSITE_TODAY
    (YYYY-MM-DD) so a test or a rebuild of an old version can fix it."""
    if today is not None:
        return today
    forced = os.environ.get("PLANSITE_TODAY")
    return dt.date.fromisoformat(forced) if forced else dt.date.today()


# The plan's year when neither its header nor its registry entry has a date:
# the subject says it ("Triển khai thực hiện công tác dân vận năm 2022"). This
# is the only place a fact is read from wording, and the site says so.
YEAR_IN_WORDING = re.compile(r"\bnăm\s+(\d{4})\b")


@dataclass(frozen=True)
class PlanStatus:
    state: str                 # upcoming, current, expired, unknown
    year: int | None
    basis: str                 # header_date, document_date, subject, none
    end: dt.date | None        # last day the plan is in force

    def text(self, labels: dict) -> str:
        H = labels["history"]["status"]
        return H[self.state].format(year=self.year or "", end=format_date(self.end))


def plan_status(content: m.Content, today: dt.date) -> PlanStatus:
    """In force during its year (or until its latest timing date), expired after."""
    plan = content.plan
    doc = content.document(plan.document)
    year, basis = None, "none"
    if plan.header.date:
        year, basis = plan.header.date.value.year, "header_date"
    elif doc.date:
        year, basis = doc.date.value.year, "document_date"
    else:
        for wording in (plan.header.subject, doc.title or "", doc.subject or ""):
            found = YEAR_IN_WORDING.search(wording)
            if found:
                year, basis = int(found.group(1)), "subject"
                break
    if year is None:
        return PlanStatus("unknown", None, basis, None)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for block in plan.walk():
        t = block.timing
        if t is not None:
            for d in (t.deadline, t.end):
                if d is not None and d.last_day > end:  # a partial date ("12/2025") counts to its last day
                    end = d.last_day
    state = "upcoming" if today < start else "current" if today <= end else "expired"
    return PlanStatus(state, year, basis, end)


def published_version(root: Path, *, check_dirty: bool = True) -> Version:
    """The commit the site is built from (for footers, PDF and DOCX); unknown without git.
    `dirty`: content/ has uncommitted edits (read_history works that out itself)."""
    out = _git(root, "log", "-1", "--format=%H%x1f%cI")
    if not out:
        return Version(None, None)
    sha, date = out.decode().strip().split("\x1f")
    dirty = check_dirty and bool(_git(root, "status", "--porcelain", "--", "content"))
    return Version(sha, dt.datetime.fromisoformat(date).date(), dirty)


# -----------------------------------------------------------------------------
# Reading the history
# -----------------------------------------------------------------------------

def read_history(root: Path, content_dir: str = "content", *, cache: DiskCache = NO_CACHE,
                 changes: Iterable[ChangeNote] = (), docs_dir: str = "docs") -> History:
    """The history of `root/content_dir` from git; never raises on a missing or shallow repository."""
    root = Path(root)
    version = published_version(root, check_dirty=False)
    current = {name: _read_file(root / content_dir / name) for name in TRACKED}
    elements = _snapshot({name: (_blob_id(data), data) for name, data in current.items()}, cache)
    repo = _git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if repo is None or version.commit is None:
        return History(False, "no-git" if repo is None else "no-commits", version, elements=_merge(elements))
    top, shallow = repo.decode().split("\n")[:2]
    if shallow.strip() == "true":
        return History(False, "shallow", published_version(root), elements=_merge(elements))
    prefix = (root / content_dir).resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    log = _git(root, "log", "--reverse", "--topo-order", "--format=%H%x1f%P%x1f%cI%x1f%s", "--", content_dir)
    commits = [_commit(line) for line in (log or b"").decode("utf-8", "replace").splitlines() if line]
    if not commits:  # content/ is not tracked here (an export inside some other repository)
        return History(False, "no-commits", Version(None, None), elements=_merge(elements))
    shas = {c.sha for c in commits} | {p for c in commits for p in c.parents} | {"HEAD"}
    blobs = _blobs(root, sorted(shas), prefix, cache)
    changes = list(changes)
    history = History(True, None, version, elements=_merge(elements))
    used: set[int] = set()
    lineage: dict[str, tuple] = {}   # key -> (last commit, last modification, last change of its name)
    for i, commit in enumerate(commits):
        history.order[commit.sha] = i
        before = blobs.get(commit.parents[0], {}) if commit.parents else {}
        after = blobs.get(commit.sha, {})
        found = _diff_files(before, after, commit, cache)
        if len(commit.parents) > 1:  # a merge: keep only what neither side had already
            other = _merge(_snapshot(blobs.get(commit.parents[1], {}), cache))
            mine = _merge(_snapshot(after, cache))
            found = [c for c in found if _state(other, c) != _state(mine, c)]
        found = [_classify(c, changes, used) for c in found]
        if found:
            history.versions.append(VersionChanges(commit, tuple(found), first=not lineage))
        _follow(lineage, found)
    # Uncommitted edits (while previewing) are a draft version on top.
    head = blobs.get("HEAD", {})
    draft_blobs = {name: (_blob_id(data), data) for name, data in current.items()}
    if {n: b[0] for n, b in draft_blobs.items() if b[0]} != {n: b[0] for n, b in head.items()}:
        history.version = dataclasses.replace(version, dirty=True)
        draft = Commit(DRAFT, build_date(), "", ("HEAD",))
        history.order[DRAFT] = len(commits)
        found = [_classify(c, changes, used) for c in _diff_files(head, draft_blobs, draft, cache)]
        if found:
            history.versions.append(VersionChanges(draft, tuple(found), first=not lineage))
        _follow(lineage, found)
    history.last = {k: c for k, (c, _, _) in lineage.items()}
    history.last_name = {k: n for k, (_, _, n) in lineage.items()}
    history.modified = {k: ch for k, (_, ch, _) in lineage.items() if ch is not None}
    history.files = _file_dates(root, docs_dir, history.order)
    history.unmatched = [f"{n.commit}" for i, n in enumerate(changes) if n.commit and i not in used]
    return history


# What a link to a document or unit shows of it: its name.
NAME_FIELDS = {"kind", "number", "title", "name"}


def _follow(lineage: dict, found: list[Change]) -> None:
    """Carry each element's last change (and last change of its name) forward, across renames."""
    for change in found:
        key = change.element.key
        if change.kind is Kind.ADDED:
            lineage[key] = (change.commit, None, change.commit)
        elif change.kind is Kind.REMOVED:
            lineage.pop(key, None)
        else:
            previous = lineage.pop(f"{change.element.namespace}:{change.old_ident}", None) \
                if change.kind is Kind.RENAMED else lineage.get(key)
            named = change.commit if any(f.name in NAME_FIELDS for f in change.fields) or previous is None \
                else previous[2]
            lineage[key] = (change.commit, change, named)


def _state(snapshot: dict, change: Change):
    element = snapshot.get(change.element.key)
    return element.fields if element else None


def _classify(change: Change, notes: list[ChangeNote], used: set[int]) -> Change:
    for i, note in enumerate(notes):
        if note.applies(change.commit, change.element):
            used.add(i)
            return Change(change.commit, change.kind, change.element, change.fields, change.old_ident, note)
    return change


def _commit(line: str) -> Commit:
    sha, parents, date, subject = line.split("\x1f", 3)
    return Commit(sha, dt.datetime.fromisoformat(date).date(), subject.strip(), tuple(parents.split()))


def _file_dates(root: Path, docs_dir: str, order: dict[str, int]) -> dict[str, Commit]:
    """Last commit of each hand-written page (docs/…), newest first in the log."""
    out = _git(root, "log", "--format=\x1e%H%x1f%P%x1f%cI%x1f%s", "--name-only", "--", docs_dir)
    files: dict[str, Commit] = {}
    for record in (out or b"").decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        commit = _commit(head)
        order.setdefault(commit.sha, -1)
        for name in names.split():
            files.setdefault(name, commit)
    return files


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Output of a git command in `root`, or None (no git, not a repository, error)."""
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=str(root), input=stdin,
                              capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _blob_id(data: bytes | None) -> str | None:
    """git's id of a file's bytes, so working-tree files share the cache with commits."""
    if data is None:
        return None
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _blobs(root: Path, revisions: list[str], prefix: str, cache: DiskCache) -> dict[str, dict]:
    """revision -> {file: (blob id, bytes or None when cached)} in two git calls."""
    names = [f"{rev}:{prefix}/{name}" for rev in revisions for name in TRACKED]
    out = _git(root, "cat-file", "--batch-check", stdin="\n".join(names).encode() + b"\n") or b""
    ids: dict[str, dict[str, str]] = {}
    lines = out.decode().splitlines()
    for name, line in zip(names, lines):
        rev, _, path = name.partition(":")
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            ids.setdefault(rev, {})[path.rsplit("/", 1)[-1]] = parts[0]
    folder = cache.path("history")
    wanted = sorted({b for files in ids.values() for b in files.values()
                     if b not in _MEMO and (folder is None or not (folder / _flat_key(b)).exists())})
    data: dict[str, bytes] = {}
    if wanted:
        raw = _git(root, "cat-file", "--batch", stdin="\n".join(wanted).encode() + b"\n") or b""
        pos = 0
        while pos < len(raw):
            end = raw.index(b"\n", pos)
            oid, _, size = raw[pos:end].decode().split()
            start = end + 1
            data[oid] = raw[start:start + int(size)]
            pos = start + int(size) + 1
    return {rev: {name: (b, data.get(b)) for name, b in files.items()} for rev, files in ids.items()}


# -----------------------------------------------------------------------------
# Flattening one file into elements (cached by blob id)
# -----------------------------------------------------------------------------

def _flat_key(blob: str) -> str:
    return cache_key("history-flat", blob, code_version(__file__), pkg_version("PyYAML"))


def _snapshot(files: dict[str, tuple[str | None, bytes | None]], cache: DiskCache) -> dict[str, dict | None]:
    """file -> {key: Element} (None when the file is missing or unreadable at that version)."""
    return {name: _flatten_cached(name, blob, data, cache) for name, (blob, data) in files.items()}


_MEMO: dict[str, dict | None] = {}


def _flatten_cached(name: str, blob: str | None, data: bytes | None, cache: DiskCache) -> dict | None:
    if blob is None:
        return None
    if blob in _MEMO:
        return _MEMO[blob]
    stored = cache.get("history", _flat_key(blob))
    if stored is not None:
        try:
            items = json.loads(stored)
            result = None if items is None else {e[0]: Element.from_json(e) for e in items}
        except (ValueError, TypeError, IndexError):  # a damaged entry: this version reads as unreadable
            result = None
    else:
        result = None
        if data is not None:
            try:
                elements = flatten(name, yaml.load(data.decode("utf-8"), Loader=_YAML))
                result = {e.key: e for e in elements}
            except Exception:  # an old version that no longer parses: no elements, never a failure
                result = None
            cache.put("history", _flat_key(blob), json.dumps(
                None if result is None else [e.to_json() for e in result.values()], ensure_ascii=False).encode())
    _MEMO[blob] = result
    return result


def _merge(snapshot: dict[str, dict | None]) -> dict[str, Element]:
    out: dict[str, Element] = {}
    for elements in snapshot.values():
        out.update(elements or {})
    return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        return "\n".join(f"{t}" for t in (_text(v) for v in value.values()) if t)
    return str(value)


def _fields(data: dict, names: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
    return tuple((n, _text(data[n])) for n in names if n in data)


def flatten(name: str, data: Any) -> list[Element]:
    """The elements of one content file, in source order."""
    if not isinstance(data, dict):
        return []
    return {"plan.yaml": _flatten_plan, "documents.yaml": _flatten_documents,
            "units.yaml": _flatten_units, "glossary.yaml": _flatten_glossary}[name](data)


HEADER_FIELDS = ("parent_body", "province", "issuing_body", "number", "symbol", "place", "date", "kind",
                 "subject", "signature")
BLOCK_FIELDS = ("number", "title", "text")
RESPONSIBILITY_FIELDS = ("label", "text", "lead", "support", "support_label", "support_text")
TIMING_FIELDS = ("label", "text", "kinds", "deadline", "start", "end")


def _flatten_plan(data: dict) -> list[Element]:
    out: list[Element] = []

    def notes(items, where, anchor, owner):
        for n in items or []:
            if isinstance(n, dict) and "id" in n:
                out.append(Element(f"plan:{n['id']}", ElementKind.NOTE, n["id"], where + ((Place.NOTE, ""),), anchor,
                                   _fields(n, ("text",)), owner=owner))

    def blocks(items, trail):
        counter = 0
        for b in items or []:
            if not isinstance(b, dict) or "id" not in b:
                continue
            kind = b.get("kind", "")
            if kind in (m.BlockKind.TASK, m.BlockKind.SUBTASK):  # an old version's word may be none of them
                where = trail + ((Place.TASK, str(b.get("number") or b["id"])),)
            elif kind in (m.BlockKind.ITEM, m.BlockKind.TARGET):
                where = trail + ((Place.ITEM, str(b.get("number") or b["id"])),)
            else:
                counter += 1
                where = trail + ((Place.PARAGRAPH, str(counter)),)
            key = f"plan:{b['id']}"
            out.append(Element(key, kind or ElementKind.BLOCK, b["id"], where, b["id"], _fields(b, BLOCK_FIELDS),
                               tuple(b.get("moved_from") or ())))
            for part, names in ((ElementKind.RESPONSIBILITY, RESPONSIBILITY_FIELDS),
                                (ElementKind.TIMING, TIMING_FIELDS)):
                sub = b.get(part)
                if isinstance(sub, dict) and "id" in sub:
                    out.append(Element(f"plan:{sub['id']}", part, sub["id"],
                                       where + ((Place(part), str(sub.get("label") or "")),), b["id"],
                                       _fields(sub, names), owner=key))
            notes(b.get("notes"), where, b["id"], key)
            blocks(b.get("blocks"), where)

    header = data.get("header") or {}
    out.append(Element("header", ElementKind.HEADER, "header", ((Place.HEADER, ""),), None,
                       _fields(header, HEADER_FIELDS)))
    if data.get("id"):
        out.append(Element(f"plan:{data['id']}", ElementKind.PLAN_ROOT, str(data["id"]), ((Place.HEADER, ""),), None, ()))
    notes(header.get("notes"), ((Place.HEADER, ""),), None, "header")
    blocks(data.get("preamble"), ((Place.PREAMBLE, ""),))
    for s in data.get("sections") or []:
        if not isinstance(s, dict) or "id" not in s:
            continue
        where: tuple[tuple[str, str], ...] = ((Place.SECTION, str(s.get("number") or s["id"])),)
        out.append(Element(f"plan:{s['id']}", ElementKind.SECTION, s["id"], where, s["id"],
                           _fields(s, ("number", "title")), tuple(s.get("moved_from") or ())))
        notes(s.get("notes"), where, s["id"], f"plan:{s['id']}")
        blocks(s.get("blocks"), where)
    for f in data.get("footnotes") or []:
        if isinstance(f, dict) and "id" in f:
            where = ((Place.FOOTNOTE, str(f.get("label") or "")),)
            out.append(Element(f"plan:{f['id']}", ElementKind.FOOTNOTE, f["id"], where, f["id"], _fields(f, ("label",))))
            blocks(f.get("blocks"), where)
    recipients = data.get("recipients") or {}
    for i, e in enumerate(recipients.get("entries") or [], 1):
        if isinstance(e, dict) and "id" in e:
            where = ((Place.RECIPIENTS, ""), (Place.PARAGRAPH, str(i)))
            out.append(Element(f"plan:{e['id']}", ElementKind.RECIPIENT, e["id"], where, e["id"],
                               _fields(e, ("text", "unit"))))
            notes(e.get("notes"), where, e["id"], f"plan:{e['id']}")
    return out


DOCUMENT_FIELDS = ("kind", "number", "title", "date", "issuer", "subject", "cited_as", "also_numbered",
                   "relations", "notes")


def _flatten_documents(data: dict) -> list[Element]:
    out = []
    for k in data.get("kinds") or []:
        if isinstance(k, dict) and "id" in k:
            out.append(Element(f"kind:{k['id']}", ElementKind.KIND, k["id"], ((Place.KIND, str(k.get("name") or k["id"])),),
                               None, _fields(k, ("name",))))
    for r in data.get("relation_types") or []:
        if isinstance(r, dict) and "id" in r:
            out.append(Element(f"relation_type:{r['id']}", ElementKind.RELATION_TYPE, r["id"],
                               ((Place.RELATION_TYPE, str(r.get("forward") or r["id"])),), None,
                               _fields(r, ("forward", "backward"))))
    for d in data.get("documents") or []:
        if isinstance(d, dict) and "id" in d:
            doc = dict(d)
            if isinstance(doc.get("relations"), list):
                doc["relations"] = [f"{r.get('type')} {r.get('target')}" for r in doc["relations"]
                                    if isinstance(r, dict)]
            name = d.get("number") or d.get("title") or d["id"]
            # Each note is its own field, so a new one reads "thêm ghi chú".
            notes = tuple((f"notes:{n['id']}", _text(n.get("text"))) for n in d.get("notes") or []
                          if isinstance(n, dict) and "id" in n)
            out.append(Element(f"document:{d['id']}", ElementKind.DOCUMENT, d["id"], ((Place.DOCUMENT, str(name)),), d["id"],
                               _fields(doc, DOCUMENT_FIELDS[:-1]) + notes, tuple(d.get("moved_from") or ())))
    return out


def _flatten_units(data: dict) -> list[Element]:
    return [Element(f"unit:{u['id']}", ElementKind.UNIT, u["id"], ((Place.UNIT, str(u.get("name") or u["id"])),), u["id"],
                    _fields(u, ("name", "kind", "parent", "description")), tuple(u.get("moved_from") or ()))
            for u in data.get("units") or [] if isinstance(u, dict) and "id" in u]


def _flatten_glossary(data: dict) -> list[Element]:
    return [Element(f"term:{t['id']}", ElementKind.TERM, t["id"], ((Place.TERM, str(t.get("term") or t["id"])),), t["id"],
                    _fields(t, ("term", "expansion", "variants", "definition", "related")))
            for t in data.get("terms") or [] if isinstance(t, dict) and "id" in t]


# -----------------------------------------------------------------------------
# Comparing two versions
# -----------------------------------------------------------------------------

def _diff_files(before: dict, after: dict, commit: Commit, cache: DiskCache) -> list[Change]:
    # A file whose blob did not change has no changes: most commits touch one file.
    changed = {n: f for n, f in after.items() if before.get(n, (None,))[0] != f[0]}
    old = _snapshot({n: f for n, f in before.items() if n in changed}, cache)
    new = _snapshot(changed, cache)
    out: list[Change] = []
    for name in TRACKED:
        if name not in changed:
            continue
        a, b = old.get(name), new.get(name)
        if b is None or (a is None and name in old):   # unreadable on one side: nothing to say
            continue
        out += diff(a or {}, b, commit)
    return out


def diff(old: dict[str, Element], new: dict[str, Element], commit: Commit) -> list[Change]:
    """Changes from `old` to `new` elements; an id renamed with moved_from is one change."""
    renamed: dict[str, str] = {}
    for key, element in new.items():
        if key not in old:
            for previous in element.moved_from:
                old_key = f"{element.namespace}:{previous}"
                if old_key in old and old_key not in new:
                    renamed[key] = old_key
                    break
    out: list[Change] = []
    for key, element in new.items():
        if key in old or key in renamed:
            before = old[renamed.get(key, key)]
            if key not in renamed and before.fields == element.fields:
                continue
            fields = field_changes(before, element)
            if key in renamed:
                out.append(Change(commit, Kind.RENAMED, element, fields, before.ident))
            elif fields:
                out.append(Change(commit, Kind.MODIFIED, element, fields))
        else:
            out.append(Change(commit, Kind.ADDED, element))
    gone = set(renamed.values())
    out += [Change(commit, Kind.REMOVED, e) for k, e in old.items() if k not in new and k not in gone]
    return out


def field_changes(before: Element, after: Element) -> tuple[FieldChange, ...]:
    a, b = dict(before.fields), dict(after.fields)
    out = []
    for name in list(b) + [n for n in a if n not in b]:
        if a.get(name) == b.get(name):
            continue
        if not b.get(name):
            action = Action.REMOVE
        elif name not in a:
            action = Action.ADD
        elif not a[name]:
            action = Action.FILL
        else:
            action = Action.EDIT
        out.append(FieldChange(name, action, a.get(name), b.get(name)))
    return tuple(out)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
CONTEXT = 12  # unchanged words kept around each change; the rest becomes "…"


def word_diff(old: str | None, new: str | None, labels: dict) -> Markup:
    """Word-level diff as HTML: <ins>/<del> with hidden text labels for screen
    readers (the stylesheet also underlines and strikes, so no colour alone)."""
    H = labels["history"]["diff"]
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments: list[list] = []   # [changed?, old text, new text]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        changed = op != "equal"
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        # "thường xuyên" -> "định kỳ" is one change, not two around a kept space
        if segments and segments[-1][0] and (changed or not old_part.strip()):
            segments[-1][1] += old_part
            segments[-1][2] += new_part
        else:
            segments.append([changed, old_part, new_part])
    out = []
    for n, (changed, old_part, new_part) in enumerate(segments):
        if not changed:
            words = _TOKEN.findall(old_part)
            first, last = n == 0, n == len(segments) - 1
            text = old_part
            if first and not last and len(words) > CONTEXT:
                text = "… " + "".join(words[-CONTEXT:])
            elif last and not first and len(words) > CONTEXT:
                text = "".join(words[:CONTEXT]) + " …"
            elif not first and not last and len(words) > 2 * CONTEXT:
                text = "".join(words[:CONTEXT]) + " … " + "".join(words[-CONTEXT:])
            out.append(escape(text))
            continue
        trail_old, trail_new = old_part[len(old_part.rstrip()):], new_part[len(new_part.rstrip()):]
        space = trail_old if trail_old == trail_new else ""
        old_part, new_part = old_part[:len(old_part) - len(space)], new_part[:len(new_part) - len(space)]
        if old_part:
            out.append(Markup('<del><span class="plan-visually-hidden">{}</span>{}'
                              '<span class="plan-visually-hidden">{}</span></del>').format(
                H["deleted_start"], old_part, H["end"]))
        if new_part:
            out.append(Markup('<ins><span class="plan-visually-hidden">{}</span>{}'
                              '<span class="plan-visually-hidden">{}</span></ins>').format(
                H["inserted_start"], new_part, H["end"]))
        out.append(escape(space))
    return Markup("").join(out)


# -----------------------------------------------------------------------------
# content/changes.yaml: corrections and amendments
# -----------------------------------------------------------------------------

def load_changes(content_dir: Path, content: m.Content, *, display_root: Path | None = None,
                 cache: DiskCache = NO_CACHE) -> tuple[ChangeNote, ...]:
    """The office's notes on changes; no file means no notes. Raises ContentError
    (file, line, fix) for a bad entry, like the other content files."""
    from .loader import _check_schema_cached, _display  # the loader's schema pass and messages
    from .yamlsource import load as load_yaml

    path = Path(content_dir) / CHANGES_FILE
    if not path.exists():
        return ()
    root = display_root if display_root is not None else Path(content_dir).parent
    source, problems = load_yaml(path, _display(path, root))
    if not problems:
        problems = _check_schema_cached(source, path, Path(content_dir) / "schema" / "changes.schema.json", cache)
    if problems:
        raise ContentError(problems)
    problems = []
    known = set(element_paths(content)) | {d.id for d in content.documents} | {u.id for u in content.units}
    documents = {d.id for d in content.documents}
    notes = []
    for i, entry in enumerate(source.data.get("changes") or []):
        where = ("changes", i)
        if not entry.get("commit") and not entry.get("element"):
            problems.append(source.problem(where, "the entry names neither a commit nor an element",
                                           "add commit: (7+ hex digits of the version) or element: (an id)"))
        if entry.get("element") and entry["element"] not in known:
            guess = difflib.get_close_matches(entry["element"], sorted(known), n=1)
            problems.append(source.problem(where + ("element",), f"element '{entry['element']}' does not exist",
                                           f"did you mean '{guess[0]}'?" if guess else
                                           "use the id of a plan element, document or unit"))
        if entry.get("document") and entry["document"] not in documents:
            problems.append(source.problem(where + ("document",), f"document '{entry['document']}' is not "
                                           "registered", "register it in content/documents.yaml first"))
        if not entry.get("type") and not entry.get("reason"):
            problems.append(source.problem(where, "the entry says neither what the change is nor why",
                                           "add type: correction | amendment, or reason: one line"))
        kind = ChangeType(entry["type"]) if entry.get("type") else None
        notes.append(ChangeNote(kind, entry.get("commit"), entry.get("element"),
                                entry.get("document"), entry.get("reason")))
    if problems:
        raise ContentError(problems)
    return tuple(notes)


# -----------------------------------------------------------------------------
# Showing it: places, descriptions, the history page, page decoration
# -----------------------------------------------------------------------------

def where_text(element: Element, labels: dict) -> str:
    """'II.4, đoạn 2', 'Văn bản 218-QĐ/TU', 'Phần đầu văn bản'."""
    L, H = labels["cite"], labels["history"]["where"]
    numbers: list[str] = []
    parts: list[str] = []
    for typ, value in element.where:
        if typ in (Place.SECTION, Place.TASK, Place.ITEM) and not parts:
            numbers.append(value)
        elif typ in (Place.TASK, Place.ITEM):
            parts.append(L[typ].format(number=value))
        elif typ == Place.PARAGRAPH:
            parts.append(L["paragraph"].format(n=value))
        elif typ == Place.FOOTNOTE:
            parts.append(L["footnote"].format(label=value))
        elif typ in (Place.PREAMBLE, Place.RECIPIENTS):
            parts.append(L[typ])
        elif typ == Place.RESPONSIBILITY:
            parts.append(value or labels["task"]["units"])
        elif typ == Place.TIMING:
            parts.append(value or labels["task"]["timing"])
        elif typ == Place.NOTE:
            parts.append(labels["editorial_note"])
        else:  # a registry entry: header, document, unit, term, kind, relation_type
            parts.append(H[typ].format(name=value))
    if numbers:
        chain = ".".join(numbers)
        parts.insert(0, L["section"].format(number=chain) if len(numbers) == 1 else chain)
    return ", ".join(parts)


def field_label(element: Element, name: str, labels: dict) -> str:
    names = labels["history"]["fields"]
    base = name.split(":", 1)[0]   # notes:<id> -> notes
    return (names.get(element.kind) or {}).get(base) or names["default"].get(base, base)


def describe(change: Change, labels: dict) -> str:
    """'sửa lời văn', 'điền số văn bản', 'thêm mới', 'đổi mã (trước đây II-5-p2)'."""
    H = labels["history"]
    if change.kind is Kind.ADDED:
        return H["added"]
    if change.kind is Kind.REMOVED:
        return H["removed"]
    out = []
    for f in change.fields:
        phrase = H["actions"][f.action].format(field=field_label(change.element, f.name, labels))
        if phrase not in out:  # two notes added: one "thêm ghi chú"
            out.append(phrase)
    if change.kind is Kind.RENAMED:
        out.insert(0, H["renamed"].format(old=change.old_ident))
    return "; ".join(out)


def current_href(element: Element, content: m.Content, here: str, where: dict | None = None) -> str | None:
    """Where the element is now (ids are followed through moved_from); None when gone.
    `where`: element_paths(content), when the caller has it."""
    where = element_paths(content) if where is None else where
    if element.key == "header" or element.kind == ElementKind.PLAN_ROOT:
        return relative(md_to_html_path(HOME), here)
    ns, ident = element.namespace, element.ident
    if ns == "plan":  # notes are found through the element they belong to
        page = where.get(ident) or where.get(element.anchor or "") or (HOME if element.owner == "header" else None)
        if page is not None:
            return relative(f"{md_to_html_path(page)}#{ident}", here)
        return None
    if ns == "document" and any(d.id == ident for d in content.documents):
        return relative(md_to_html_path(document_path(ident)), here)
    if ns == "unit" and any(u.id == ident for u in content.units):
        return relative(md_to_html_path(unit_path(ident)), here)
    if ns == "term" and any(t.id == ident for t in content.terms):
        return relative(md_to_html_path(GLOSSARY) + f"#{ident}", here)
    return None


@dataclass(frozen=True)
class Row:
    """One changed element on the history page, ready for the template."""

    anchor: str
    where: str
    href: str | None
    what: str
    tag: str | None
    reason: str | None
    diffs: tuple[tuple[str, Markup], ...]


def page_context(history: History, content: m.Content, status: PlanStatus,
                 notes: Iterable[ChangeNote] = ()) -> dict:
    """Everything history.md.j2 shows, newest version first."""
    notes = tuple(notes)
    where = element_paths(content)
    labels = content.labels
    H = labels["history"]
    versions = []
    for vc in reversed(history.versions):
        rows = []
        if not vc.first:
            # A new task is one row, not one per paragraph, unit and timing in it.
            added = {c.element.where for c in vc.changes if c.kind is Kind.ADDED}
            for change in vc.changes:
                if change.kind is Kind.ADDED and any(
                        len(w) < len(change.element.where) and change.element.where[:len(w)] == w for w in added):
                    continue
                rows.append(_row(change, content, where))
        # The reason readers see: the office's own line for the version, else the commit message.
        reason = next((n.reason for n in notes if n.commit and not n.element and n.reason
                       and vc.commit.sha.startswith(n.commit)), vc.commit.subject)
        versions.append({"commit": vc.commit, "date": format_date(vc.commit.date),
                         "draft": vc.commit.sha == DRAFT, "first": vc.first, "count": len(vc.changes),
                         "reason": reason, "rows": rows})
    return {
        "history": history,
        "versions": versions,
        "version_text": history.version.text(labels),
        "status_text": status.text(labels),
        "status_basis": H["basis"][status.basis].format(year=status.year or ""),
        "unavailable": None if history.available else H["unavailable"][history.reason],
    }


def _row(change: Change, content: m.Content, where: dict) -> Row:
    labels = content.labels
    H = labels["history"]
    diffs = [(field_label(change.element, f.name, labels), word_diff(f.old, f.new, labels))
             for f in change.fields]
    tag = None
    note = change.note
    if note is not None and note.type is not None:
        tag = H["types"][note.type]
        if note.document:
            tag = tag.format(document=content.document_label(content.document(note.document)))
    href = None if change.kind is Kind.REMOVED else current_href(change.element, content, HISTORY, where)
    reason = note.reason if note and note.reason and note.element else None  # commit-wide: once, above
    return Row(change.anchor, where_text(change.element, labels), href, describe(change, labels), tag,
               reason, tuple(diffs))


def render_history_page(content: m.Content, templates: Path, history: History, status: PlanStatus,
                        site_url: str | None = None, cache: DiskCache = NO_CACHE, notes: Iterable[ChangeNote] = ()):
    """The 'Lịch sử thay đổi' page (a render.Page)."""
    from .render import Renderer

    renderer = Renderer(content, templates, site_url, cache)
    return renderer.page("history.md.j2", HISTORY, content.labels["history"]["title"], m.PageRole.REGISTRY,
                         **page_context(history, content, status, notes))


_HEADERLINK = re.compile(r'<a class="headerlink[^"]*" href="#([^"]+)"')
_H1_END = re.compile(r"</h1>")


def decorate(html_text: str, here: str, history: History, status: PlanStatus, labels: dict,
             source: str | None = None) -> str:
    """A page's HTML with its "Cập nhật lần cuối" line (after the title) and a
    "đã sửa ngày …" mark before the permalink of each element changed after
    its first publication. `here`: the page's built path; `source`: the
    hand-written file it comes from, if any."""
    H = labels["history"]
    page = history.page_date(html_text, source)
    if here == md_to_html_path(HISTORY) and history.versions:  # the history page: its newest version
        page = history.versions[-1].commit
    history_href = relative(md_to_html_path(HISTORY), here) if md_to_html_path(HISTORY) != here else ""
    if page is not None:
        when = Markup('<time datetime="{}">{}</time>').format(page.date.isoformat(), format_date(page.date))
        listed = {vc.commit.sha for vc in history.versions}
        if page.sha == DRAFT:
            version = escape(H["draft"])
        elif page.sha in listed:  # a version on the history page: link to it
            version = Markup('<a href="{}#{}">{}</a>').format(history_href, page.anchor, page.short)
        else:  # a hand-written page's own commit
            version = escape(page.short)
        updated = escape(H["updated"]).format(date=when, version=version)
    else:
        updated = escape(H["updated_unknown"]).format(history=Markup('<a href="{}">{}</a>').format(
            history_href or "#", H["title"]))
    currency = Markup('<p class="plan-currency" data-search-exclude>{}<span class="plan-currency-sep"> · </span>'
                  '<span class="plan-status plan-status-{}">{}</span></p>').format(
        updated, status.state, status.text(labels))
    match = _H1_END.search(html_text)
    line = str(currency)  # str: Markup + the page's text would escape the page
    html_text = (html_text[:match.end()] + line + html_text[match.end():]) if match else line + html_text
    marks = history.marks() if history.available else {}
    if not marks:
        return html_text

    def mark(found: re.Match) -> str:
        change = marks.get(found.group(1))
        if change is None:
            return found.group(0)
        text = H["mark"].format(date=format_date(change.commit.date)) if change.commit.sha != DRAFT else H["draft"]
        return str(Markup('<a class="plan-changed" href="{}#{}" data-search-exclude>{}</a> ').format(
            history_href, change.anchor, text)) + found.group(0)

    return _HEADERLINK.sub(mark, html_text)


# -----------------------------------------------------------------------------
# One call for the build
# -----------------------------------------------------------------------------

@dataclass
class Currency:
    """What the build needs: the history, the plan's status and the history page."""

    history: History
    status: PlanStatus
    page: Any   # render.Page
    labels: dict

    @property
    def version_text(self) -> str:
        return self.history.version.text(self.labels)

    def decorate(self, html_text: str, here: str, source: str | None = None) -> str:
        return decorate(html_text, here, self.history, self.status, self.labels, source)


def build_currency(root: Path, content: m.Content, templates: Path, site_url: str | None = None,
                   cache: DiskCache = NO_CACHE, today: dt.date | None = None,
                   content_dir: str = "content", docs_dir: str = "docs") -> Currency:
    """Read the history, compute the status and render the history page.
    Raises ContentError for a bad content/changes.yaml."""
    root = Path(root)
    notes = load_changes(root / content_dir, content, display_root=root, cache=cache)
    history = read_history(root, content_dir, cache=cache, changes=notes, docs_dir=docs_dir)
    status = plan_status(content, build_date(today))
    page = render_history_page(content, templates, history, status, site_url, cache, notes)
    return Currency(history, status, page, content.labels)
