"""Glue for generators that read a docs folder (Zensical): `prepare` before, `verify` after.

    python -m plansite prepare && zensical build && python -m plansite verify site-zensical

`prepare` reads the generator's config (zensical.toml), checks that its URLs
are the site's, writes the prepared site into its docs_dir and saves the
prepared site for plansite.mdext, which the generator loads. It fails, with
file and line, on what would fail an MkDocs build before any page is rendered:
invalid content, a citation of an unregistered document. `verify` fails on
a built site that lost a published link (permalinks.lock.json).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tomllib
from pathlib import Path

from .errors import ContentError
from .site import ConfigError, Site, load, prepare

CONFIG = "zensical.toml"
PREPARED = "site.pickle"
THEME = "overrides"  # inside `out`: zensical.toml's theme.custom_dir
NOT_FOUND_PARTIAL = "partials/plan-404.html"


def generator_config(root: Path) -> dict:
    """The [project] table of zensical.toml."""
    with open(root / CONFIG, "rb") as f:
        config = tomllib.load(f)
    return config.get("project", config)


def prepare_command(root: Path, out: Path) -> int:
    try:
        site = prepare_folder(root, out)
    except (ContentError, ConfigError) as exc:
        # nothing stale is left for the generator to build
        shutil.rmtree(root / out / "docs", ignore_errors=True)
        shutil.rmtree(root / out / THEME, ignore_errors=True)
        (root / out / PREPARED).unlink(missing_ok=True)
        print(exc.report() if isinstance(exc, ContentError) else str(exc), file=sys.stderr)
        return 1
    print(f"prepared {len(site.pages)} generated and {len(site.handwritten)} hand-written pages, "
          f"{len(site.static)} static files in {out / 'docs'}")
    return 0


def prepare_folder(root: Path, out: Path) -> Site:
    """Prepare the site for the generator configured in zensical.toml, into `out`."""
    config = generator_config(root)
    docs_dir = (root / config.get("docs_dir", "docs")).resolve()
    if docs_dir != (root / out / "docs").resolve():
        raise ConfigError(f"{CONFIG}: docs_dir must be {(Path(out) / 'docs').as_posix()!r}, the folder "
                          f"`python -m plansite prepare` writes (docs/ holds only hand-written pages)")
    theme = config.get("theme", {}).get("custom_dir")
    if theme is not None and (root / theme).resolve() != (root / out / THEME).resolve():
        raise ConfigError(f"{CONFIG}: theme.custom_dir must be {(Path(out) / THEME).as_posix()!r}, the folder "
                          f"`python -m plansite prepare` writes the theme overrides into")
    site = prepare(root, os.environ.get("SITE_URL") or config.get("site_url"))
    site.check_generator(use_directory_urls=config.get("use_directory_urls", True))
    if site.unresolved:  # what the MkDocs build reports as warnings (strict: failures)
        raise ConfigError("\n".join(str(u) for u in site.unresolved))
    literate_nav = config.get("plugins", {}).get("literate-nav")
    site.write(docs_dir, nav_file=(literate_nav or {}).get("nav_file", "SUMMARY.md") if literate_nav is not None
               else None)
    site.dump(root / out / PREPARED)
    write_theme(site, root / out / THEME)
    return site


def write_theme(site: Site, folder: Path) -> None:
    """The theme overrides a generator without hooks can use (zensical.toml's
    custom_dir): the 404 page, its labels set in the template. Not main.html:
    its Content-Security-Policy needs the hook that hashes the theme's scripts."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "partials").mkdir(parents=True)
    shutil.copy(site.root / "overrides" / NOT_FOUND_PARTIAL, folder / NOT_FOUND_PARTIAL)
    labels = _jinja_literal({"readers": {"not_found": site.content.labels["readers"]["not_found"]}})
    (folder / "404.html").write_text(
        '{#- Written by `python -m plansite prepare` (plansite/generators.py): the labels the MkDocs hooks pass. -#}\n'
        '{% extends "main.html" %}\n{% block content %}\n'
        f'{{% set plan_labels = {labels} %}}\n{{% include "{NOT_FOUND_PARTIAL}" %}}\n{{% endblock %}}\n',
        encoding="utf-8")


def verify_command(root: Path, site_dir: Path, out: Path) -> int:
    if not (site_dir / "index.html").exists():
        print(f"{site_dir}/ holds no built site", file=sys.stderr)
        return 1
    prepared = root / out / PREPARED
    if not prepared.exists():
        print(f"{prepared} not found: run `python -m plansite prepare` (and build) first", file=sys.stderr)
        return 1
    site = load(prepared)  # the site the generator built, not content/ as it is now
    problems = site.check_permalinks(site_dir)
    if problems:
        print("published links would break — nothing may be published:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    unsearchable = site.check_search(site_dir)
    if unsearchable:
        print("\n".join(unsearchable), file=sys.stderr)
        return 1
    print(f"{site_dir}: every published page and anchor resolves, every page is in the search index"
          if problems is not None else "permalinks.lock.json not found: no permalink check")
    return 0


def _jinja_literal(value) -> str:
    """A Jinja literal of labels (strings in dicts): a label is data, never
    template syntax — the characters that could end or open a tag are escaped."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_jinja_literal(str(k))}: {_jinja_literal(v)}" for k, v in value.items()) + "}"
    text = json.dumps(str(value), ensure_ascii=False)
    return text.translate({ord(c): f"\\u{ord(c):04x}" for c in "{}%#"})
