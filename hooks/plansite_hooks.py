"""MkDocs glue for the plan site: each hook hands one MkDocs event to the core.

The core (`plansite`) prepares the whole site once (`plansite.prepare`);
`plansite.mdext` links citations while MkDocs renders each page. Nothing here
knows plan text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

# `pip install -r requirements.txt && mkdocs serve` works without installing
# the project: the core is imported from this checkout.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import plansite  # noqa: E402

# `mkdocs serve` runs this file again on every rebuild but keeps imported
# modules: drop the core's when its code changed, so edits take effect.
plansite.forget_if_changed()

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority, get_plugin_logger  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from plansite.cache import DEFAULT_DIR, DiskCache  # noqa: E402
from plansite.errors import ContentError  # noqa: E402
from plansite.mdext import PlanExtension, mark  # noqa: E402
from plansite.site import ConfigError, Site, fold_search_file, prepare  # noqa: E402

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
    try:
        site = BUILD.site = prepare(Path(config.config_file_path).parent, config.site_url)
        site.check_generator(use_directory_urls=config.use_directory_urls)
    except ContentError as exc:
        raise PluginError("content/ is invalid — nothing was built:\n" + exc.report()) from None
    except ConfigError as exc:
        raise PluginError(str(exc)) from None
    config.markdown_extensions.append(PlanExtension(site=site, on_unresolved=lambda p: log.warning(str(p))))
    return config


def on_files(files, config):
    for page in BUILD.site.pages.values():
        files.append(File.generated(config, page.path, content=page.markdown))
    for path, data in BUILD.site.static.items():
        files.append(File.generated(config, path, content=data))
    config.nav = BUILD.site.nav
    return files


def on_page_markdown(markdown, page, config, files):
    return mark(markdown, page.file.src_uri)  # names the page for plansite.mdext


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
    fold_search_file(Path(config.site_dir))
    problems = BUILD.site.check_permalinks(Path(config.site_dir))
    if problems is None:
        log.info("permalinks.lock.json not found: no permalink check (create it with `python -m plansite permalinks`)")
    elif problems:
        raise PluginError("published links would break — nothing may be published:\n" + "\n".join(problems))


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

    folder = DiskCache(BUILD.site.root / DEFAULT_DIR).path("theme-jinja")
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
