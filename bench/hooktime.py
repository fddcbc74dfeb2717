"""Time spent inside the project's MkDocs hooks during one build, in-process
(and in plansite.mdext's linking, which runs inside MkDocs' Markdown conversion).

Run by bench/run.py in a fresh process with the project folder as working
directory; prints JSON. Timing the hooks inside the very build they belong to
makes the hooks' share of a build independent of how fast the machine happens
to be in that minute, which two separate builds (ours, baseline) are not.

    python bench/hooktime.py mkdocs.yml /tmp/site
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(config_file: str, site_dir: str) -> dict:
    start = time.perf_counter()
    # The project's own plansite/, as `python -m mkdocs` in that folder imports
    # it (this script's folder, not the working directory, leads sys.path).
    sys.path.insert(0, os.getcwd())
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file, site_dir=site_dir, strict=True)
    spent: dict[str, float] = {}

    def timed(event, method):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[event] = spent.get(event, 0.0) + time.perf_counter() - t
        return wrapper

    # Citations are linked inside MkDocs' Markdown conversion (plansite.mdext),
    # not in a hook event: time that work as the page_content event it was.
    # Importing the core happens here rather than in on_config, so it is
    # counted as an event of its own ("import"): the hooks pay it in every build.
    t = time.perf_counter()
    import plansite.site

    spent["import"] = time.perf_counter() - t

    setattr(plansite.site.Site, "link", timed("page_content", plansite.site.Site.link))  # noqa: B010 - mypy: a method
    plugins = config.plugins
    ours = set(config.hooks)
    for event, methods in plugins.events.items():
        plugins.events[event] = [timed(event, m) if plugins._event_origins.get(m) in ours else m for m in methods]
    build(config)
    return {"total": time.perf_counter() - start, "hooks": sum(spent.values()), "events": spent}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:3])))
