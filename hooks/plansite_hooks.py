"""MkDocs glue for the plan site: each hook hands one MkDocs event to the core.

The core (`plansite`) prepares the whole site once (`plansite.prepare`);
`plansite.mdext` links citations while MkDocs renders each page. Nothing here
knows plan text.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from native_watch import watch_natively  # hooks/native_watch.py: MkDocs puts hooks/ on sys.path while loading

# The checkout this file belongs to: its plansite/ is the core the hooks use.
_ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from plansite.preview import BackgroundDownloads
    from plansite.site import Site

log = get_plugin_logger(__name__)

# A local site_url is worth a warning, not a failed strict build (every local
# build has one): this logger sits outside "mkdocs", whose warnings --strict counts.
_url_log = logging.getLogger("plansite.siteurl")
if not _url_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    _url_log.addHandler(_handler)
    _url_log.propagate = False


@dataclass
class _Build:
    """What the hooks keep between events: the command and the prepared site."""

    command: str = "build"  # "build", "gh-deploy" or "serve" (on_startup runs once per command)
    site: Site | None = None  # prepared again on every (re)build, in on_config
    last_good: Site | None = None  # while serving: shown again when a save breaks content/
    error: str | None = None  # while serving: the problems of the last save, shown on every page
    shim: str | None = None  # the polyfill scripts the Content-Security-Policy hashes
    files: Files | None = None  # this build's files (pages the nav leaves out are found here)
    lit: Page | None = None  # the index page highlighted in the nav while a page it lists renders
    # While serving: downloads (PDF, DOCX) are made in another process after the
    # preview is served (plansite.preview); its done-marker is watched (on_serve).
    background: BackgroundDownloads | None = None


BUILD = _Build()

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(command, dirty):
    BUILD.command, BUILD.shim = command, None  # while serving there is no policy to hash for


def on_config(config):
    core, background = _core(), BUILD.background  # while serving: keep downloads made later (plansite.preview)
    try:  # while previewing, a bad save keeps the last good site, with its problems on every page
        site, BUILD.error = core.prepare_build(
            Path(config.config_file_path).parent, config.site_url, command=BUILD.command, last_good=BUILD.last_good,
            use_directory_urls=config.use_directory_urls, stale_downloads=background and background.stale(BUILD.last_good))
    except core.BuildRefused as exc:
        raise PluginError(str(exc)) from None
    BUILD.site = BUILD.last_good = site
    _report(site, BUILD.error)
    config.extra["plansite_version"] = site.version_text
    config.markdown_extensions.append(site.markdown_extension(on_unresolved=lambda p: log.warning(str(p))))
    return config


def on_files(files, config):
    for page in BUILD.site.pages.values():
        files.append(File.generated(config, page.path, content=page.markdown))
    for path, data in BUILD.site.static.items():
        files.append(File.generated(config, path, content=data))
    config.nav = BUILD.site.theme_nav()  # titles escaped: the theme prints them as HTML
    BUILD.files = files
    return files


def on_page_context(context, page, config, nav):
    # A page the nav leaves out (a document, a unit…): the nav highlights the index
    # page that lists it, and the footer leads to its neighbours on that index.
    site, BUILD.lit = BUILD.site, None
    index = site.indexed.get(page.file.src_uri)
    if index is not None:
        BUILD.lit = _page(index)
        if BUILD.lit is not None:
            BUILD.lit.active = True
        before, after = site.neighbours(page.file.src_uri)
        page.previous_page, page.next_page = _page(before), _page(after)
    return context


def on_serve(server, config, builder):
    from plansite.preview import BackgroundDownloads  # the core is on sys.path since on_config

    watch_natively(server, config)
    BUILD.background = BackgroundDownloads.for_site(_site())
    if BUILD.background is not None:
        server.watch(str(BUILD.background.done))  # public API: a change rebuilds the preview
    return server


def on_build_error(error):
    if BUILD.site is not None:  # the process typesetting its downloads (plansite.ahead) would run on
        BUILD.site.abandon()


def on_shutdown():
    if BUILD.background is not None:
        BUILD.background.stop()


def on_page_markdown(markdown, page, config, files):
    return BUILD.site.mark(markdown, page.file.src_uri)  # names the page for plansite.mdext


def on_env(env, config, files):
    if BUILD.command == "serve":
        _cache_theme_templates(env)
    env.globals["plan_labels"] = BUILD.site.content.labels  # theme overrides (404.html) read their labels here
    return env


@event_priority(-100)  # last: the policy hashes the page's final inline scripts
def on_post_page(output, page, config):
    site = BUILD.site
    if BUILD.lit is not None:
        BUILD.lit.active = BUILD.lit = None
    output = site.escape_page_title(output, page.title)  # the theme un-escapes titles in <title>
    output = _name_search_dialog(output, page.file.src_uri)
    output, found = site.add_editor_link(output, page.file.dest_uri)
    if not found:
        log.warning(f"{page.file.src_uri}: the theme's footer markup changed; no link to the editors' area")
    if 'class="plan-qr"' in output and site.local_url():
        _url_log.warning(site.local_warning(page.file.src_uri))
    return _csp(site.show_error(output, BUILD.error), page.file.src_uri, config)


@event_priority(-100)
def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and "md-search" in output_content:  # 404.html; not sitemap.xml
        output = BUILD.site.show_error(_name_search_dialog(output_content, template_name), BUILD.error)
        return _csp(output, template_name, config)
    return output_content


@event_priority(-50)  # after the search plugin writes the index, before offline inlines it
def on_post_build(config):
    BUILD.site.finish_downloads(Path(config.site_dir))  # typeset meanwhile in another process (plansite.ahead)
    if BUILD.background is not None and not BUILD.error:  # an invalid save keeps the last good site as it was
        _report_late(BUILD.background.start(_site()))
    BUILD.site.fold_search(Path(config.site_dir))
    problems = BUILD.site.check_permalinks(Path(config.site_dir))
    if problems is None:
        log.info("permalinks.lock.json not found: no permalink check (create it with "
                 "`python -m plansite permalinks --init`)")
    elif problems and BUILD.command == "serve":  # a failed preview build would leave every request waiting
        print("published links would break:\n" + "\n".join(problems), file=sys.stderr)
    elif problems:
        raise PluginError("published links would break — nothing may be published:\n" + "\n".join(problems))


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------


def _core() -> ModuleType:
    """plansite.site for this build. `mkdocs serve` keeps its process and this
    module across rebuilds: when a file of plansite/ changed, the core is
    imported again so the edit takes effect. The core comes from this
    checkout, so `pip install -r requirements.txt && mkdocs serve` works
    without installing the project (MkDocs restores sys.path after loading
    this file, hence here)."""
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    import plansite

    plansite.forget_if_changed()
    return importlib.import_module("plansite.site")


def _page(path: str | None) -> Page | None:
    """The page of this build at `path` (.md inside docs/)."""
    file = BUILD.files.get_file_from_path(path) if path and BUILD.files is not None else None
    return file.page if file is not None else None


def _site() -> Site:
    if BUILD.site is None:  # every event that reads it comes after on_config
        raise PluginError("the plan site was not prepared (on_config did not run)")
    return BUILD.site


def _report(site: Site, error: str | None) -> None:
    if error:
        print("the preview shows the last good version until these are fixed:\n" + error, file=sys.stderr)
    for warning in site.warnings:
        log.warning(warning)


def _report_late(late: list[str]) -> None:
    if late:
        log.info(f"Making {len(late)} downloads again in the background; the preview shows the previous ones "
                 f"until then: {', '.join(late)}")


def _cache_theme_templates(env) -> None:
    """While previewing, keep the theme's compiled templates on disk.

    `mkdocs serve` builds a new theme environment on every rebuild and
    recompiles Material's templates (about a third of a second); their
    compiled form depends only on their source, which Jinja checks. Published
    builds (`mkdocs build`) always compile from scratch.
    """
    import jinja2

    folder = _site().cache_folder("theme-jinja")
    if folder is None:  # PLANSITE_NO_CACHE
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _csp(output: str, where: str, config) -> str:
    """Fill the page's Content-Security-Policy (overrides/main.html) with the hashes
    of the theme's inline scripts; while previewing, drop it (live reload injects a script)."""
    from plansite.csp import apply_policy, remove_policy

    if BUILD.command == "serve":
        return remove_policy(output)
    if BUILD.shim is None:
        shims = [Path(config.docs_dir) / p for p in config.extra.get("polyfills", [])]
        BUILD.shim = "".join(p.read_text(encoding="utf-8") for p in shims if p.is_file())
    output, unknown = apply_policy(output, BUILD.shim)
    for script in unknown:
        log.warning(f"{where}: an inline script that is not the theme's is blocked by the Content-Security-"
                    f"Policy: {script[:80]!r} — if the theme changed, add its start to THEME_SCRIPTS in plansite/csp.py")
    return output


def _name_search_dialog(output: str, where: str) -> str:
    named = _site().name_search_dialog(output)
    if named is None:
        log.warning(f"{where}: the theme's search dialog markup changed; update SEARCH_DIALOG in plansite/site.py")
        return output
    return named
