"""What `python -m plansite check` finds beyond the loader: every page rendered
in memory (so a template failure is found before a build) and the citations of
hand-written pages, each reported as `file:line:col: what — fix`."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import model as m
from .citations import CitationIndex
from .errors import Problem
from .render import Renderer
from .yamlsource import load as load_yaml

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")


# The project's own templates, for a content folder checked outside the project.
PROJECT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def check_site(content: m.Content, content_dir: Path, display_root: Path) -> list[Problem]:
    """Problems of rendering every page, and of the hand-written pages' citations
    (templates/ and docs/ beside content/, else the project's templates)."""
    root = content_dir.resolve().parent
    templates = root / "templates" if (root / "templates").is_dir() else PROJECT_TEMPLATES
    return (check_rendering(content, templates, content_dir, display_root)
            + check_handwritten(content, root / "docs", display_root))


def check_rendering(content: m.Content, templates: Path, content_dir: Path, display_root: Path) -> list[Problem]:
    renderer = Renderer(content, templates)
    renderer.failures = []
    try:
        renderer.pages()
    except Exception as exc:  # noqa: BLE001 - outside any one page (navigation, graph)
        return [Problem(_rel(templates, display_root), 1, 1, f"rendering the site fails: {_what(exc)}",
                        "fix the template or the content it names")]
    problems = []
    plan_src = None
    for template, path, context, error in renderer.failures:
        where = _template_line(error, templates, display_root) or f"templates/{template}"
        what = f"page {path} cannot be rendered ({where}: {_what(error)})"
        fix = "check this element's fields against docs/huong-dan-bien-tap.md, or fix the template"
        if "section" in context:
            if plan_src is None:
                plan_src, _ = load_yaml(content_dir / "plan.yaml", _rel(content_dir / "plan.yaml", display_root))
            element = _failing_block(renderer, path, context["section"]) or context["section"]
            problems.append(plan_src.problem(_yaml_path(plan_src.data, element.id), what, fix))
        else:
            name, key = (("units.yaml", "unit") if "unit" in context else
                         ("documents.yaml", "doc") if "doc" in context else (None, None))
            if name:
                src, _ = load_yaml(content_dir / name, _rel(content_dir / name, display_root))
                problems.append(src.problem(_yaml_path(src.data, context[key].id), what, fix))
            else:
                problems.append(Problem(where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1])
                                        if ":" in where else 1, 1, what, "fix the template"))
    return problems


def check_handwritten(content: m.Content, docs_dir: Path, display_root: Path) -> list[Problem]:
    """Every document number a hand-written page cites must be registered."""
    index = CitationIndex.from_registry(content.documents, content.kinds)
    problems = []
    for page in sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else ():
        in_fence = False
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            text = INLINE_CODE.sub(lambda mt: " " * len(mt.group()), line)  # code is never a citation
            for mention in index.find(text):
                if mention.doc_id is None:
                    problems.append(Problem(
                        _rel(page, display_root), n, mention.start + 1,
                        f"cites {mention.written!r}, which is not in content/documents.yaml",
                        "register the document in content/documents.yaml or correct the number"))
    return problems


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _failing_block(renderer: Renderer, path: str, section: m.Section) -> m.Block | None:
    """The innermost block of a section whose rendering fails on its own."""
    # Any: a template module's attributes are its macros, unknown to the type checker.
    macros: Any = renderer.env.get_template("macros.j2").make_module(renderer.variables(path))

    def fails(block: m.Block) -> bool:
        try:
            macros.blocks([block], 2)
        except Exception:  # noqa: BLE001
            return True
        return False

    found = None
    blocks = list(section.blocks)
    while True:
        bad = next((b for b in blocks if fails(b)), None)
        if bad is None:
            return found
        found, blocks = bad, list(bad.blocks)


def _yaml_path(data, ident: str, path: tuple = ()) -> tuple:
    """Path of the mapping whose id is `ident` (to its `id` key), or ()."""
    if isinstance(data, dict):
        if data.get("id") == ident:
            return path + ("id",)
        items: Iterable[tuple[Any, Any]] = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return ()
    for k, v in items:
        found = _yaml_path(v, ident, path + (k,))
        if found:
            return found
    return ()


def _template_line(exc: BaseException, templates: Path, display_root: Path) -> str | None:
    """templates/<name>:<line> of the innermost template frame of the failure."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return None
    return f"{_rel(Path(frames[-1].filename), display_root)}:{frames[-1].lineno}"


def _what(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
