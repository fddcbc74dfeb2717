"""MkDocs glue for the plan site: each hook hands one MkDocs event to the core.

The core (`plansite`) loads and validates content/, renders pages to Markdown,
links citations and folds the search index; nothing here knows plan text.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File

from plansite.cache import DEFAULT_DIR, DiskCache
from plansite.citations import CitationIndex
from plansite.errors import ContentError
from plansite.linker import add_abbreviations, link_citations
from plansite.loader import load_content
from plansite.paths import document_path, md_to_html_path, relative
from plansite.permalinks import aliases, check_manifest, linkables, page_moves, scan_site, static_files
from plansite.render import escape_page_title, render_backlinks, render_site
from plansite.searchfold import fold_search_index
from plansite.slug import slugify

log = get_plugin_logger(__name__)

MANIFEST = "permalinks.lock.json"

# Per-build state, reset in on_config (mkdocs serve reloads config every build).
_state: dict = {}
# "build", "gh-deploy" or "serve" (on_startup runs once per command).
_command = {"name": "build"}

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(command, dirty):
    _command["name"] = command


def on_config(config):
    root = Path(config.config_file_path).parent
    cache = DiskCache(root / DEFAULT_DIR)
    try:
        content = load_content(root / "content", display_root=root, cache=cache)
    except ContentError as exc:
        raise PluginError("content/ is invalid — nothing was built:\n" + exc.report()) from None
    pages, nav = render_site(content, root / "templates", config.site_url, cache)
    _state.clear()
    _state.update(
        root=root,
        content=content,
        pages={p.path: p for p in pages},
        nav=nav,
        index=CitationIndex.from_registry(content.documents, content.kinds),
        abbr=_abbreviations(content),
        found=[],
        aliases=aliases(content),
        linkables={u.id: u for u in linkables(content)},
        static=static_files(content, config.site_url, cache),
        cache=cache,
    )
    toc = config.mdx_configs.setdefault("toc", {})
    toc.update(slugify=slugify, permalink_title=content.labels["permalink"])
    return config


def on_files(files, config):
    pages = _state["pages"]
    for page in pages.values():
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            raise PluginError(f"docs/{page.path} clashes with a generated page; rename or remove it")
        files.append(File.generated(config, page.path, content=page.markdown))
    for path, data in _state["static"].items():
        files.append(File.generated(config, path, content=data))
    files.append(File.generated(config, "assets/plan-data.js", content=_plan_data()))
    handwritten = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in pages)
    config.nav = _state["nav"] + handwritten
    return files


def on_page_content(html_text, page, config, files):
    src = page.file.src_uri
    role = _state["pages"][src].role if src in _state["pages"] else "handwritten"
    here = page.file.dest_uri

    def url_for(doc_id: str) -> str | None:
        target = md_to_html_path(document_path(doc_id))
        return None if target == here else relative(target, here)

    html_text, found, missing = link_citations(html_text, _state["index"], url_for)
    for miss in missing:
        log.warning(f"{_where(page, miss.written)}: cites {miss.written!r}, which is not in "
                    f"content/documents.yaml — register the document there or correct the number")
    if role in ("canonical", "handwritten"):
        _state["found"] += [(page, f) for f in found]
    return add_abbreviations(html_text, _state["abbr"])


def on_env(env, config, files):
    if _command["name"] == "serve":
        _cache_theme_templates(env)
    # Every page's content is rendered by now; fill each document's backlinks.
    for file in files.documentation_pages():
        page = file.page
        if page is None or not page.content or 'data-backlinks="' not in page.content:
            continue
        doc_id = page.content.split('data-backlinks="', 1)[1].split('"', 1)[0]
        marker = f'<div class="plan-backlinks" data-backlinks="{doc_id}"></div>'
        seen, items = set(), []
        for p, f in _state["found"]:  # one backlink per place, however often it cites
            if f.doc_id == doc_id and (p.file.src_uri, f.anchor) not in seen:
                seen.add((p.file.src_uri, f.anchor))
                items.append((p, f))
        places = [(p.file.dest_uri, str(p.title), f) for p, f in items]
        page.content = page.content.replace(
            marker, render_backlinks(places, file.dest_uri, _state["content"], _state["linkables"]))
    return env


def on_post_page(output, page, config):
    output = escape_page_title(output, page.title)  # the theme un-escapes titles in <title>
    return _name_search_dialog(output, page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and "md-search" in output_content:  # 404.html; not sitemap.xml
        return _name_search_dialog(output_content, template_name)
    return output_content


@event_priority(-50)  # after the search plugin writes the index, before offline inlines it
def on_post_build(config):
    path = os.path.join(config.site_dir, "search", "search_index.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            data = fold_search_index(f.read())
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)
    _check_permalinks(config)


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


def _cache_theme_templates(env) -> None:
    """While previewing, keep the theme's compiled templates on disk.

    `mkdocs serve` builds a new theme environment on every rebuild and
    recompiles Material's templates (about a third of a second); their
    compiled form depends only on their source, which Jinja checks. Published
    builds (`mkdocs build`) always compile from scratch.
    """
    import jinja2

    folder = _state["cache"].path("theme-jinja")
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _plan_data() -> str:
    """Labels and id aliases for assets/plan.js (copy buttons, landing on moved ids)."""
    data = {"labels": _state["content"].labels["copy"], "aliases": _state["aliases"]}
    return "window.PLAN = " + json.dumps(data, ensure_ascii=False) + ";\n"


def _check_permalinks(config) -> None:
    """Fail the build when a published URL or anchor in the manifest stopped resolving."""
    manifest_path = _state["root"] / MANIFEST
    if not manifest_path.exists():
        log.info(f"{MANIFEST} not found: no permalink check (create it with `python -m plansite permalinks`)")
        return
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = check_manifest(manifest, scan_site(Path(config.site_dir)), _state["aliases"], MANIFEST,
                              page_moves(_state["content"]))
    if problems:
        raise PluginError("published links would break — nothing may be published:\n" + "\n".join(problems))


# Material 9.8 renders its search overlay as role="dialog" without a name
# (axe/Lighthouse "aria-dialog-name"); the theme offers no setting for it.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def _name_search_dialog(output: str, where: str) -> str:
    if _SEARCH_DIALOG not in output:
        log.warning(f"{where}: the theme's search dialog markup changed; "
                    f"update _SEARCH_DIALOG in hooks/plansite_hooks.py")
        return output
    label = html.escape(_state["content"].labels["search_dialog"], quote=True)
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{label}">', 1)


def _abbreviations(content) -> dict[str, str]:
    terms = {}
    for term in content.terms:
        if term.abbr:
            for form in (term.term, *term.variants):
                terms[form] = term.expansion
    return terms


def _where(page, written: str) -> str:
    """file:line of the first source line that contains `written`."""
    src = page.file.abs_src_path
    lines = (page.markdown or "").splitlines()
    line = next((i + 1 for i, text in enumerate(lines) if written in text), 1)
    if src:
        return f"{os.path.relpath(src, _state['root'])}:{line}"
    return f"{page.file.src_uri} (generated):{line}"
