"""MkDocs glue for the plan site: each hook hands one MkDocs event to the core.

The core (`plansite`) prepares the whole site once (`plansite.prepare`);
`plansite.mdext` links citations while MkDocs renders each page. Nothing here
knows plan text.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File

# The checkout this file belongs to: its plansite/ is the core the hooks use.
_ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from plansite.site import Site

log = get_plugin_logger(__name__)


@dataclass
class _Build:
    """What the hooks keep between events: the command and the prepared site."""

    command: str = "build"  # "build", "gh-deploy" or "serve" (on_startup runs once per command)
    site: Site | None = None  # prepared again on every (re)build, in on_config


BUILD = _Build()

# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(command, dirty):
    BUILD.command = command


def on_config(config):
    core = _core()
    try:
        site = BUILD.site = core.prepare(Path(config.config_file_path).parent, config.site_url)
        site.check_generator(use_directory_urls=config.use_directory_urls)
    except core.ContentError as exc:
        raise PluginError("content/ is invalid — nothing was built:\n" + exc.report()) from None
    except core.ConfigError as exc:
        raise PluginError(str(exc)) from None
    config.markdown_extensions.append(site.markdown_extension(on_unresolved=lambda p: log.warning(str(p))))
    return config


def on_files(files, config):
    for page in BUILD.site.pages.values():
        files.append(File.generated(config, page.path, content=page.markdown))
    for path, data in BUILD.site.static.items():
        files.append(File.generated(config, path, content=data))
    config.nav = BUILD.site.nav
    return files


def on_page_markdown(markdown, page, config, files):
    return BUILD.site.mark(markdown, page.file.src_uri)  # names the page for plansite.mdext


def on_env(env, config, files):
    if BUILD.command == "serve":
        _cache_theme_templates(env)
    return env


def on_post_page(output, page, config):
    return _name_search_dialog(output, page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and "md-search" in output_content:  # 404.html; not sitemap.xml
        return _name_search_dialog(output_content, template_name)
    return output_content


@event_priority(-50)  # after the search plugin writes the index, before offline inlines it
def on_post_build(config):
    BUILD.site.fold_search(Path(config.site_dir))
    problems = BUILD.site.check_permalinks(Path(config.site_dir))
    if problems is None:
        log.info("permalinks.lock.json not found: no permalink check (create it with `python -m plansite permalinks`)")
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


def _cache_theme_templates(env) -> None:
    """While previewing, keep the theme's compiled templates on disk.

    `mkdocs serve` builds a new theme environment on every rebuild and
    recompiles Material's templates (about a third of a second); their
    compiled form depends only on their source, which Jinja checks. Published
    builds (`mkdocs build`) always compile from scratch.
    """
    import jinja2

    folder = BUILD.site.cache_folder("theme-jinja")
    if folder is None:  # PLANSITE_NO_CACHE
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _name_search_dialog(output: str, where: str) -> str:
    named = BUILD.site.name_search_dialog(output)
    if named is None:
        log.warning(f"{where}: the theme's search dialog markup changed; update SEARCH_DIALOG in plansite/site.py")
        return output
    return named
