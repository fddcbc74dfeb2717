"""MkDocs glue for the plan site: each hook hands one MkDocs event to the core.

The core (`plansite`) loads and validates content/, renders pages to Markdown,
links citations and folds the search index; nothing here knows plan text.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File

from plansite.areas import add_footer_link, plan_data_js
from plansite.cache import DEFAULT_DIR, DiskCache
from plansite.citations import CitationIndex
from plansite.csp import apply_policy, remove_policy
from plansite.downloads import build as build_downloads, data_page, page_links
from plansite.errors import ContentError, Problem, report
from plansite.history import HISTORY, build_currency
from plansite.linker import add_abbreviations, link_citations
from plansite.loader import load_content
from plansite.official import print_citations
from plansite.paths import EDITOR_HOME, document_path, is_editor_page, md_to_html_path, reader_pages, relative
from plansite.permalinks import (INIT_HINT, aliases, check_manifest, linkables, page_moves, read_manifest,
                                 scan_site, static_files)
from plansite.render import escape_page_title, render_backlinks, render_site
from plansite.searchfold import fold_search_index
from plansite.siteurl import PUBLISH_ENV, is_local, local_warning, publish_problem
from plansite.slug import slugify

log = get_plugin_logger(__name__)

MANIFEST = "permalinks.lock.json"
# PUBLISH_ENV=1 (the Pages workflow, `./run.sh build` and `publish`) marks a
# publishing build: it requires the permalink lockfile (deleting it must not
# switch the check off) and a public site_url.

# A local site_url is worth a warning, not a failed strict build (every local
# build has one): this logger sits outside "mkdocs", whose warnings --strict counts.
_url_log = logging.getLogger("plansite.siteurl")
if not _url_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    _url_log.addHandler(_handler)
    _url_log.propagate = False

# Per-build state, reset in on_config (mkdocs serve reloads config every build).
_state: dict = {}
# "build", "gh-deploy" or "serve" (on_startup runs once per command).
_command = {"name": "build"}
# While serving: the last content that loaded, shown again when a save breaks it.
_last_good: dict = {}

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(command, dirty):
    _command["name"] = command


def on_config(config):
    root = Path(config.config_file_path).parent
    if os.environ.get(PUBLISH_ENV) == "1" and publish_problem(config.site_url):
        raise PluginError(f"not publishing: {publish_problem(config.site_url)}")
    cache = DiskCache(root / DEFAULT_DIR)
    error = None
    try:
        content = load_content(root / "content", display_root=root, cache=cache)
        manifest = _read_manifest(root)
    except ContentError as exc:
        if not _serving() or "content" not in _last_good:
            raise PluginError("nothing was built:\n" + report(exc.problems, "")) from None
        # Keep previewing the last good content, with the problems on every page.
        content, manifest, error = _last_good["content"], _last_good["manifest"], report(exc.problems, "")
        print("the preview shows the last good version until these are fixed:\n" + error, file=sys.stderr)
    _last_good.update(content=content, manifest=manifest)
    pages, nav = render_site(content, root / "templates", config.site_url, cache)
    downloads = build_downloads(content, root / "templates", cache)  # PDF, DOCX, open data (cached)
    pages.append(data_page(content, root / "templates", downloads, config.site_url, cache))
    nav.append({pages[-1].title: pages[-1].path})
    try:  # history of content/, plan status and the history page (never fails for lack of git)
        currency = build_currency(root, content, root / "templates", config.site_url, cache,
                                  docs_dir=os.path.relpath(config.docs_dir, root))
    except ContentError as exc:
        raise PluginError("content/ is invalid — nothing was built:\n" + exc.report()) from None
    for commit in currency.history.unmatched:
        log.warning(f"content/changes.yaml: commit {commit} is not a version that changed content/ — fix the id")
    pages.append(currency.page)
    nav.append({currency.page.title: HISTORY})
    config.extra["plansite_version"] = currency.version_text
    _state.clear()
    _state.update(
        error=error,
        manifest=manifest,
        root=root,
        content=content,
        pages={p.path: p for p in pages},
        nav=nav,
        index=CitationIndex.from_registry(content.documents, content.kinds),
        abbr=_abbreviations(content),
        found=[],
        aliases=aliases(content),
        linkables={u.id: u for u in linkables(content)},
        static={**static_files(content, config.site_url, cache), **{d.path: d.data for d in downloads}},
        downloads=downloads,
        cache=cache,
        currency=currency,
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
    files.append(File.generated(config, "assets/plan-data.js", content=plan_data_js(_state["content"])))
    handwritten = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in pages)
    config.nav = _state["nav"] + reader_pages(handwritten)  # editor pages: footer link, not_in_nav
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
    if 'class="plan-qr"' in html_text and is_local(config.site_url):
        _url_log.warning(local_warning(config.site_url, src))
    if role == "canonical" or (role == "handwritten" and not is_editor_page(src)):  # reader pages only
        _state["found"] += [(page, f) for f in found]
    html_text += str(print_citations([f.doc_id for f in found], _state["content"], config.site_url, url_for))
    if src in _state["pages"]:  # downloads and the print button, under the page title
        links = page_links(_state["downloads"], src, _state["content"].labels)
        html_text = html_text.replace("</h1>", "</h1>" + str(links), 1)
    html_text = add_abbreviations(html_text, _state["abbr"])
    source = None if src in _state["pages"] else f"{os.path.relpath(config.docs_dir, _state['root'])}/{src}"
    return _state["currency"].decorate(html_text, here, source)


def on_env(env, config, files):
    if _command["name"] == "serve":
        _cache_theme_templates(env)
    env.globals["plan_labels"] = _state["content"].labels  # theme overrides (404.html) read their labels here
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


@event_priority(-100)  # last: the policy hashes the page's final inline scripts
def on_post_page(output, page, config):
    output = escape_page_title(output, page.title)  # the theme un-escapes titles in <title>
    output = _name_search_dialog(output, page.file.src_uri)
    href = relative(md_to_html_path(EDITOR_HOME), page.file.dest_uri)
    output, found = add_footer_link(output, href, _state["content"].labels["readers"]["editor_area"])
    if not found:
        log.warning(f"{page.file.src_uri}: the theme's footer markup changed; no link to the editors' area")
    return _csp(_show_error(output), page.file.src_uri, config)


@event_priority(-100)
def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and "md-search" in output_content:  # 404.html; not sitemap.xml
        return _csp(_show_error(_name_search_dialog(output_content, template_name)), template_name, config)
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


def _serving() -> bool:
    return _command["name"] == "serve"


def _publishing() -> bool:
    return os.environ.get(PUBLISH_ENV) == "1" or _command["name"] == "gh-deploy"


def _read_manifest(root: Path) -> dict | None:
    """The permalink lockfile, None when there is none (an error when publishing)."""
    manifest, problems = read_manifest(root / MANIFEST, MANIFEST)
    if manifest is None and not problems and _publishing():
        problems = [Problem(MANIFEST, 1, 1, "the lockfile does not exist, and a publishing build must check that "
                                            "no published link breaks",
                            f"restore it from git (git checkout -- {MANIFEST}); for a new site create it with "
                            f"{INIT_HINT}")]
    if problems:
        raise ContentError(problems)
    return manifest


def _check_permalinks(config) -> None:
    """Fail the build when a published URL or anchor in the manifest stopped resolving."""
    manifest = _state["manifest"]
    if manifest is None:
        log.info(f"{MANIFEST} not found: no permalink check (create it with {INIT_HINT})")
        return
    problems = check_manifest(manifest, scan_site(Path(config.site_dir)), _state["aliases"], MANIFEST,
                              page_moves(_state["content"]))
    if problems and _serving():  # a failed preview build would leave every request waiting
        print("published links would break:\n" + "\n".join(problems), file=sys.stderr)
    elif problems:
        raise PluginError("published links would break — nothing may be published:\n" + "\n".join(problems))


def _csp(output: str, where: str, config) -> str:
    """Fill the page's Content-Security-Policy (overrides/main.html) with the hashes
    of the theme's inline scripts; while previewing, drop it (live reload injects a script)."""
    if _serving():
        return remove_policy(output)
    if "shim" not in _state:
        shims = [Path(config.docs_dir) / p for p in config.extra.get("polyfills", [])]
        _state["shim"] = "".join(p.read_text(encoding="utf-8") for p in shims if p.is_file())
    output, unknown = apply_policy(output, _state["shim"])
    for script in unknown:
        log.warning(f"{where}: an inline script that is not the theme's is blocked by the Content-Security-"
                    f"Policy: {script[:80]!r} — if the theme changed, add its start to THEME_SCRIPTS in plansite/csp.py")
    return output


def _show_error(output: str) -> str:
    """While previewing a broken save: the problems at the top of every page."""
    error = _state.get("error")
    if not error:
        return output
    head, sep, rest = output.partition("<body")
    if not sep:
        return output
    tag_end = rest.index(">") + 1
    banner = (f'<div class="plan-preview-error" role="alert"><p>{html.escape(_state["content"].labels["preview"]["error"])}'
              f'</p><pre>{html.escape(error)}</pre></div>')
    return head + sep + rest[:tag_end] + banner + rest[tag_end:]


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
