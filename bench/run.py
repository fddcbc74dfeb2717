"""Benchmark of the plan site; writes the figures to docs/bien-tap/hieu-nang.md.

    .venv/bin/python bench/run.py            # everything (see the page for how long it took)
    .venv/bin/python bench/run.py --quick    # 1× and 10× only, one run each, no Lighthouse
    .venv/bin/python bench/run.py --quick --scales 1 --no-zensical --out /tmp/x.md   # a partial run

What it measures (all in temporary folders; only docs/bien-tap/hieu-nang.md is written):

1. the real site: `mkdocs build --strict` time (median of 5 rounds of
   interleaved builds: fresh clone, after an edit, baseline, and Zensical from
   a fresh clone) and peak memory (ru_maxrss of the child, from os.wait4);
   ratios to the baseline are medians of the per-round ratios, with min–max;
   time inside the hooks measured within one build (bench/hooktime.py) after
   a comment edit, after a word of the plan changed, and fresh;
2. synthetic content from bench/synth.py at 1×, 10× and 50× the real plan,
   each built in a temporary copy of the project (mkdocs.yml, docs/ without the
   hand-written pages, templates/, hooks/, plansite/), and the same pages
   written out as static Markdown (plansite.prepare, Site.write) built with the
   hooks off — the baseline; Zensical in the same rounds; the heaviest page
   and its weight in Chromium; log–log slopes of time and bytes; plus where the
   core's time goes (load, render, static files) measured in-process;
3. `mkdocs serve`: seconds from saving content/plan.yaml (temporary copy)
   until the served page shows the change;
4. page weight of index.html and muc/II.html: every HTML/CSS/JS/SVG file the
   page loads in Chromium, gzip level 6;
5. Lighthouse 12.2.3 (npx) on the home page and a task page, served with gzip
   as GitHub Pages does.

Nothing here is a test: the figures are reported against the targets, not
asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import synth  # noqa: E402  (bench/synth.py)

OUT = REPO / "docs" / "bien-tap" / "hieu-nang.md"
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("SITE_URL", None)  # the default site_url, as in the tests
# Python normally caches compiled modules; a machine that turns that off would
# charge every build for compiling the project's own modules again.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = "/usr/bin/chromium"
SCALES = (1, 10, 50)
TARGETS = {"ratio": 1.10, "ratio_fresh": 1.20, "slope": 1.10, "serve": 1.0, "performance": 0.95, "others": 1.0}
ZENSICAL = str(Path(PY).with_name("zensical"))
# Zensical's build as bench/generators.py runs it: prepare the docs folder, build, check permalinks.
ZENSICAL_STEPS = [[PY, "-m", "plansite", "prepare"], [ZENSICAL, "build"],
                  [PY, "-m", "plansite", "verify", "site-zensical"]]


_START = time.monotonic()


def log(*args) -> None:
    print(f"[bench {time.monotonic() - _START:4.0f} s]", *args, file=sys.stderr, flush=True)


# -----------------------------------------------------------------------------
# Running builds
# -----------------------------------------------------------------------------


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds of one child process; raises when it fails."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            out.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{out.read().decode(errors='replace')[-3000:]}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def build(project: Path, site: Path, config: str = "mkdocs.yml") -> dict:
    """One strict build: seconds, CPU seconds, peak KiB and facts about the output."""
    if site.exists():
        shutil.rmtree(site)
    seconds, rss, cpu = timed([PY, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file", config,
                               "--site-dir", str(site)], project)
    return {"time": seconds, "cpu": cpu, "rss": rss, **site_facts(site)}


def build_zensical(project: Path, site: Path) -> dict:
    """One Zensical build from a fresh clone (no build cache, nothing prepared), as
    bench/generators.py times it; the output is moved to `site`."""
    for name in (".cache", "build", "site-zensical"):
        shutil.rmtree(project / name, ignore_errors=True)
    seconds = cpu = 0.0
    rss = 0
    for cmd in ZENSICAL_STEPS:
        t, r, c = timed(cmd, project)
        seconds, cpu, rss = seconds + t, cpu + c, max(rss, r)
    if site.exists():
        shutil.rmtree(site)
    shutil.move(project / "site-zensical", site)
    return {"time": seconds, "cpu": cpu, "rss": rss, **site_facts(site)}


def site_facts(site: Path) -> dict:
    """HTML pages, bytes of the whole site folder, and its heaviest page."""
    files = [p for p in site.rglob("*") if p.is_file()]
    return {"html": sum(1 for p in files if p.suffix == ".html"), "bytes": sum(p.stat().st_size for p in files),
            "heaviest": heaviest_page(site)}


def heaviest_page(site: Path) -> dict:
    """The largest HTML page of a built site: its path, bytes, and bytes gzipped (level 6, as served)."""
    pages = sorted(p for p in site.rglob("*.html") if p.is_file())
    if not pages:
        return {"path": None, "raw": 0, "gzip": 0}
    big = max(pages, key=lambda p: p.stat().st_size)  # the first in path order among equals
    data = big.read_bytes()
    return {"path": big.relative_to(site).as_posix(), "raw": len(data), "gzip": len(gzip.compress(data, 6))}


def forget(project: Path) -> None:
    """Make `project` look freshly cloned: no build cache, no compiled Python of its own."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    for folder in list(project.rglob("__pycache__")):
        shutil.rmtree(folder, ignore_errors=True)


def edit(project: Path) -> None:
    """Change content/plan.yaml (a comment line), as the editor does between two builds,
    so its schema check is not a cache hit."""
    with open(project / "content" / "plan.yaml", "a", encoding="utf-8") as f:
        f.write(f"# bench {time.time_ns()}\n")


# The first line of the first folded text of a block, where a marker word goes.
FOLDED_TEXT = re.compile(r"^([ ]+)text: >-\n([ ]+)(\S)", re.M)


def insert_marker(source: str, marker: str) -> str:
    r"""plan.yaml's text with `marker` as the first word of its first folded text.

    >>> insert_marker("a:\n  text: >-\n    Một câu.\n", "moc")
    'a:\n  text: >-\n    moc Một câu.\n'
    """
    first = FOLDED_TEXT.search(source)
    if first is None:
        raise ValueError("plan.yaml has no folded text (text: >-) to edit")
    return source[:first.start(3)] + marker + " " + source[first.start(3):]


def edit_text(project: Path) -> None:
    """Change a sentence of the plan, as the editor does: its pages, the plan's PDF and
    DOCX and its section's PDF must be made again."""
    plan = project / "content" / "plan.yaml"
    source = re.sub(r"mocbench\d+ ", "", plan.read_text(encoding="utf-8"), count=1)
    plan.write_text(insert_marker(source, f"mocbench{time.time_ns()}"), encoding="utf-8")


KINDS = ("cold", "ours", "baseline")


def prepare(project: Path, kind: str) -> None:
    """Put `project` in the state a build of `kind` starts from."""
    if kind == "cold":
        forget(project)
    elif kind == "ours":
        edit(project)
    elif kind == "text":
        edit_text(project)


def compare(project: Path, runs: int, baseline_config: str, keep: Path | None = None,
            zensical: bool = False) -> dict:
    """`runs` rounds of three builds of `project`, interleaved so that drift in the
    machine's speed hits all three alike (the order rotates every round):

    cold: hooks on, as on a fresh clone (`forget`);
    ours: hooks on, build cache filled, content/plan.yaml just edited;
    baseline: the generated pages as static Markdown, hooks off;
    zensical (if asked): the same project built with Zensical from a fresh clone.

    Returns per kind the median and spread of wall time, CPU time, peak memory,
    and the ratios ours/baseline and cold/baseline as medians of the per-round
    ratios. The last `ours` output is kept in `keep`."""
    kinds = KINDS + (("zensical",) if zensical else ())
    results: dict = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="plansite-site-") as tmp:
        sites = {k: Path(tmp) / k for k in kinds}
        if keep is not None:
            sites["ours"] = keep
        build(project, sites["ours"])  # not counted: fills the cache, compiles, warms the file cache
        if zensical:  # a copy of its own: its fresh clone must not empty the others' build cache
            twin = Path(tmp) / "zensical-project"
            shutil.copytree(project, twin, ignore=shutil.ignore_patterns(".cache", "site*", "baseline*"))
        for i in range(runs):
            for kind in kinds[i % len(kinds):] + kinds[:i % len(kinds)]:
                if kind == "zensical":
                    results[kind].append(build_zensical(twin, sites[kind]))
                    continue
                prepare(project, kind)
                results[kind].append(build(project, sites[kind], baseline_config if kind == "baseline"
                                           else "mkdocs.yml"))
    return summarize(results)


def summarize(results: dict[str, list[dict]]) -> dict:
    """Per kind of build: median time with min–max, CPU, memory, the last output's facts;
    and for every kind but the baseline its ratio to the baseline, the median of the
    per-round ratios with their min–max.

    >>> rows = lambda *ts: [{"time": t, "cpu": t, "rss": 1024, "html": 1, "bytes": 2} for t in ts]
    >>> out = summarize({"baseline": rows(1, 2, 1), "ours": rows(1.1, 2.4, 1.0)})
    >>> out["ours"]["ratio"], out["ours"]["ratio_min"], out["ours"]["ratio_max"], out["ours"]["time"]
    (1.1, 1.0, 1.2, 1.1)
    """
    out = {}
    for kind, rows in results.items():
        times = [x["time"] for x in rows]
        out[kind] = {"time": statistics.median(times), "min": min(times), "max": max(times), "runs": len(rows),
                     "cpu": statistics.median(x["cpu"] for x in rows), "rss_mib": max(x["rss"] for x in rows) / 1024,
                     "html": rows[-1]["html"], "bytes": rows[-1]["bytes"], "heaviest": rows[-1].get("heaviest")}
    base = results["baseline"]
    for kind in results:
        if kind == "baseline":
            continue
        ratios = [a["time"] / b["time"] for a, b in zip(results[kind], base)]
        out[kind].update(ratio=statistics.median(ratios), ratio_min=min(ratios), ratio_max=max(ratios))
        out[kind]["cpu_ratio"] = statistics.median(a["cpu"] / b["cpu"] for a, b in zip(results[kind], base))
    return out


# -----------------------------------------------------------------------------
# Projects: ours (hooks) and the baseline (static Markdown, hooks off)
# -----------------------------------------------------------------------------


def make_project(dest: Path, content: Path, handwritten: bool) -> Path:
    """A copy of the project with `content` as content/ (hand-written pages only if asked)."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("templates", "hooks", "plansite", "overrides"):  # plansite/: mkdocs.yml watches it
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    if (REPO / "zensical.toml").exists():
        shutil.copy2(REPO / "zensical.toml", dest / "zensical.toml")
    skip = [] if handwritten else ["*.md"]
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns(*skip))
    shutil.copytree(content, dest / "content")
    if handwritten and (REPO / "permalinks.lock.json").exists():
        shutil.copy2(REPO / "permalinks.lock.json", dest / "permalinks.lock.json")
    return dest


def _mkdocs_yaml(path: Path) -> dict:
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=get_yaml_loader())  # noqa: S506 - mkdocs' own loader (!ENV)


def make_baseline(project: Path) -> str:
    """Write the prepared site of `project` (plansite.prepare) as static Markdown into
    baseline-docs/ and a baseline.yml without hooks; return the config file name."""
    import yaml

    from plansite.site import prepare
    from plansite.slug import slugify

    config = _mkdocs_yaml(project / "mkdocs.yml")
    site = prepare(project, config["site_url"])
    site.write(project / "baseline-docs", marks=False)
    config.pop("watch", None)
    # The theme's 404 page reads its labels from a Jinja global the hooks set: the
    # baseline's only hook sets that, from a literal (no YAML read, no core import).
    labels = json.dumps(site.content.labels, ensure_ascii=False)
    (project / "baseline_hooks.py").write_text(
        f"import json\n\nLABELS = json.loads({labels!r})\n\n\n"
        "def on_env(env, config, files):\n    env.globals['plan_labels'] = LABELS\n    return env\n", encoding="utf-8")
    config["hooks"] = ["baseline_hooks.py"]
    config["docs_dir"] = "baseline-docs"
    config["nav"] = site.theme_nav()
    extensions = []
    for ext in config["markdown_extensions"]:
        if ext == "toc" or (isinstance(ext, dict) and "toc" in ext):
            options = dict(ext["toc"]) if isinstance(ext, dict) else {}
            options.update(slugify=slugify, permalink_title=site.content.labels["permalink"])  # as on_config does
            ext = {"toc": options}
        extensions.append(ext)
    config["markdown_extensions"] = extensions
    (project / "baseline.yml").write_text(yaml.dump(config, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return "baseline.yml"


def hook_share(project: Path, runs: int, kinds: tuple[str, ...] = ("ours", "cold")) -> dict:
    """Seconds inside our hooks within one build, and that build's total (bench/hooktime.py,
    a fresh process each time), after an edit ("ours": a comment line; "text": a word of
    the plan's text) and from a fresh clone ("cold"); medians of `runs`.

    `estimate` = total / (total − hooks): the ratio to a build without the hooks that
    these figures imply, free of the drift between two separate builds."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="plansite-hooktime-") as tmp:
        for kind in kinds:
            rows = []
            for _ in range(runs):
                prepare(project, kind)
                proc = subprocess.run([PY, str(REPO / "bench" / "hooktime.py"), "mkdocs.yml", tmp], cwd=project,
                                      env=ENV, capture_output=True, text=True, check=True)
                rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            hooks = statistics.median(x["hooks"] for x in rows)
            total = statistics.median(x["total"] for x in rows)
            out[kind] = {"hooks": hooks, "total": total,
                         "estimate": statistics.median(x["total"] / (x["total"] - x["hooks"]) for x in rows),
                         "events": {e: statistics.median(x["events"].get(e, 0.0) for x in rows)
                                    for e in rows[0]["events"]}}
        if "text" in kinds:  # leave the plan as it was
            plan = project / "content" / "plan.yaml"
            plan.write_text(re.sub(r"mocbench\d+ ", "", plan.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    return out


def core_phases(content_dir: Path, templates: Path, runs: int = 3, warm: bool = False) -> dict:
    """In-process seconds of the core steps the hooks run once per build (median).

    Each run starts like a new `mkdocs build` process: no compiled templates
    in memory; with `warm`, the disk cache filled by one earlier run."""
    from plansite import render
    from plansite.cache import NO_CACHE, DiskCache
    from plansite.loader import load_content
    from plansite.permalinks import static_files
    from plansite.render import render_site

    site_url = "http://127.0.0.1:8000/"
    out: dict[str, list[float]] = {"load": [], "render": [], "static": []}
    with tempfile.TemporaryDirectory(prefix="plansite-cache-") as folder:
        cache = DiskCache(folder) if warm else NO_CACHE
        if warm:
            content = load_content(content_dir, cache=cache)
            render_site(content, templates, site_url, cache)
            static_files(content, site_url, cache)
        for _ in range(runs):
            render._ENVIRONMENTS.clear()
            t0 = time.perf_counter()
            content = load_content(content_dir, cache=cache)
            t1 = time.perf_counter()
            render_site(content, templates, site_url, cache)
            t2 = time.perf_counter()
            static_files(content, site_url, cache)
            t3 = time.perf_counter()
            out["load"].append(t1 - t0)
            out["render"].append(t2 - t1)
            out["static"].append(t3 - t2)
    return {k: statistics.median(v) for k, v in out.items()}


def official_formats(content_dir: Path, templates: Path, runs: int = 3) -> dict:
    """Seconds the downloads add (median): PDF (WeasyPrint), DOCX, open data; from an empty
    cache (fresh clone) and after a text edit in section I (the cache holds the previous build)."""
    import hashlib

    from plansite import official, opendata
    from plansite.cache import DiskCache
    from plansite.graph import Graph
    from plansite.loader import load_content
    from plansite.pdf import html_to_pdf
    from plansite.wordfile import plan_docx

    def once(content, cache) -> dict:
        t0 = time.perf_counter()
        graph = Graph(content)
        docs = official.documents(content, templates, graph)
        pdfs = [html_to_pdf(d.html, cache) for d in docs]
        t1 = time.perf_counter()
        data = opendata.content_json(content)
        opendata.schema("x")
        opendata.assignments_csv(content, graph, str)
        t2 = time.perf_counter()
        docx = plan_docx(content, hashlib.sha256(data.encode()).hexdigest(), cache)
        t3 = time.perf_counter()
        return {"pdf": t1 - t0, "data": t2 - t1, "docx": t3 - t2, "pdf_files": len(pdfs),
                "pdf_bytes": sum(map(len, pdfs)), "docx_bytes": len(docx)}

    fresh, edited = [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="plansite-formats-") as folder:
            work = Path(folder) / "content"
            shutil.copytree(content_dir, work)
            cache = DiskCache(Path(folder) / "cache")
            fresh.append(once(load_content(work), cache))
            plan = work / "plan.yaml"
            plan.write_text(plan.read_text(encoding="utf-8").replace(
                "không để phát sinh điểm nóng.", f"không để phát sinh điểm nóng ({i}).", 1), encoding="utf-8")
            edited.append(once(load_content(work), cache))
    med = lambda rows: {k: statistics.median(r[k] for r in rows) for k in rows[0]}  # noqa: E731
    return {"fresh": med(fresh), "edited": med(edited)}


def import_cost(modules: str, runs: int = 3) -> float:
    """Seconds a fresh interpreter spends importing `modules` beyond MkDocs itself (median)."""
    code = ("import time, jinja2, yaml, mkdocs.plugins, mkdocs.structure.files; t = time.perf_counter(); "
            f"import {modules}; print(time.perf_counter() - t)")
    return statistics.median(float(subprocess.run([PY, "-c", code], cwd=REPO, env=ENV, capture_output=True,
                                                  text=True, check=True).stdout) for _ in range(runs))


# What every build imports, and what only a cold build needs (a schema check, a new QR code).
CORE_MODULES = "plansite.loader, plansite.render, plansite.permalinks, plansite.linker, plansite.searchfold"


# -----------------------------------------------------------------------------
# Serving: a static server with gzip (as GitHub Pages), and mkdocs serve
# -----------------------------------------------------------------------------

COMPRESS = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip level 6 when the client accepts it."""

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):  # noqa: N802
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.is_file() and path.suffix in COMPRESS and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


class StaticServer:
    def __init__(self, root: Path):
        handler = functools.partial(GzipHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def serve_latency(tmp: Path, edits: int = 5) -> dict:
    """Seconds from saving content/plan.yaml until `mkdocs serve` serves the change."""
    project = make_project(tmp / "serve", REPO / "content", handwritten=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    logfile = open(tmp / "serve.log", "wb")
    proc = subprocess.Popen([PY, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=project, env=ENV, stdout=logfile, stderr=subprocess.STDOUT)
    plan = project / "content" / "plan.yaml"
    source = plan.read_text(encoding="utf-8")
    times = []
    try:
        deadline = time.monotonic() + 120
        while fetch(base + "toan-van.html") is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mkdocs serve did not start:\n" + (tmp / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        for i in range(1, edits + 1):
            marker = f"mocdohieunang{i}x"
            time.sleep(1.0)  # let the watcher settle
            plan.write_text(insert_marker(source, marker), encoding="utf-8")
            saved = time.perf_counter()
            while True:
                page = fetch(base + "toan-van.html")
                if page and marker in page:
                    times.append(time.perf_counter() - saved)
                    break
                if time.perf_counter() - saved > 60:
                    raise RuntimeError("the change never showed up:\n" + (tmp / "serve.log").read_text()[-3000:])
                time.sleep(0.02)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logfile.close()
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


# -----------------------------------------------------------------------------
# Page weight and Lighthouse
# -----------------------------------------------------------------------------


def page_weight(site: Path, pages: list[str]) -> dict:
    """Files each page loads in Chromium (HTML/CSS/JS/SVG), raw and gzip level 6 bytes."""
    from playwright.sync_api import sync_playwright

    result = {}
    with StaticServer(site) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for page_path in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                urls: list[str] = []
                context.on("request", functools.partial(_record_url, urls))
                page = context.new_page()
                page.goto(server.url + page_path, wait_until="networkidle")
                page.wait_for_timeout(500)
                context.close()
                files, other = [], []
                for url in dict.fromkeys(urls):
                    parts = urlsplit(url)
                    if not url.startswith(server.url):
                        other.append(url)
                        continue
                    rel = parts.path.lstrip("/") or "index.html"
                    path = site / rel
                    if path.suffix in (".html", ".css", ".js", ".svg", ".json") and path.is_file():
                        data = path.read_bytes()
                        files.append((rel, len(data), len(gzip.compress(data, compresslevel=6))))
                    else:
                        other.append(rel)
                core = [f for f in files if not f[0].endswith(".json")]
                result[page_path] = {"files": files, "other": other,
                                     "raw": sum(f[1] for f in core), "gzip": sum(f[2] for f in core),
                                     "raw_all": sum(f[1] for f in files), "gzip_all": sum(f[2] for f in files)}
        finally:
            browser.close()
    return result


def _record_url(urls: list[str], request) -> None:
    urls.append(request.url)


def lighthouse(site: Path, pages: list[str], tmp: Path, runs: int = 3) -> dict:
    """Lighthouse category scores per page (the run with the median performance
    score of `runs`, as Lighthouse's docs advise for its variance), or the
    reason it could not run."""
    out: dict = {}
    for i in range(runs):
        result = _lighthouse_once(site, pages, tmp, i)
        if "error" in result:
            return result
        for page_path, x in result.items():
            out.setdefault(page_path, []).append(x)
    picked = {}
    for page_path, results in out.items():
        ranked = sorted(results, key=lambda x: x["scores"].get("performance") or 0)
        picked[page_path] = {**ranked[len(ranked) // 2],
                             "performance_runs": [x["scores"].get("performance") or 0 for x in results]}
    return picked


def _lighthouse_once(site: Path, pages: list[str], tmp: Path, run_no: int) -> dict:
    npx = shutil.which("npx")
    if npx is None:
        return {"error": "npx không có trên máy (cần Node.js và npm)"}
    out = {}
    with StaticServer(site) as server:
        for page_path in pages:
            report = tmp / (f"lh-{run_no}-" + page_path.replace("/", "-") + ".json")
            cmd = [npx, "--yes", LIGHTHOUSE, server.url + page_path, "--output=json", f"--output-path={report}",
                   "--quiet", "--chrome-flags=--headless --no-sandbox --disable-gpu"]
            try:
                run = subprocess.run(cmd, env={**ENV, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                                     timeout=600)
            except subprocess.TimeoutExpired:
                return {"error": "Lighthouse chạy quá 10 phút"}
            if run.returncode or not report.exists():
                tail = " ".join((run.stderr or run.stdout).split())[-400:]
                return {"error": f"Lighthouse không chạy được (mã thoát {run.returncode}): {tail}"}
            data = json.loads(report.read_text(encoding="utf-8"))
            scores = {k: v["score"] for k, v in data["categories"].items()}
            failing = []
            for cat_id, cat in data["categories"].items():
                for ref in cat["auditRefs"]:
                    audit = data["audits"][ref["id"]]
                    if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                        failing.append((cat_id, ref["id"], audit["score"], audit.get("displayValue", "")))
            out[page_path] = {"scores": scores, "failing": failing,
                              "version": data.get("lighthouseVersion"),
                              "form_factor": data.get("configSettings", {}).get("formFactor")}
    return out


# -----------------------------------------------------------------------------
# Report (Vietnamese)
# -----------------------------------------------------------------------------


def fmt_s(x: float) -> str:
    return f"{x:.2f}".replace(".", ",") + " s"


def fmt_n(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def kib(n: int) -> str:
    return fmt_n(n / 1024, 1) + " KiB"


def mib(n: float) -> str:
    return fmt_n(n, 1) + " MiB"


def slopes(xs: list[float], ys: list[float]) -> list[float]:
    """Log-log slope between consecutive sizes: 1 = linear, 2 = quadratic."""
    return [math.log(y2 / y1) / math.log(x2 / x1) for x1, x2, y1, y2 in zip(xs, xs[1:], ys, ys[1:])]


def ratio_text(x: dict) -> str:
    """A ratio to the baseline with its min–max over the rounds.

    >>> ratio_text({"ratio": 1.05, "ratio_min": 0.98, "ratio_max": 1.2, "runs": 3})
    '1,05 (0,98–1,20)'
    >>> ratio_text({"ratio": 1.05, "ratio_min": 1.05, "ratio_max": 1.05, "runs": 1})
    '1,05'
    """
    spread = f" ({fmt_n(x['ratio_min'])}–{fmt_n(x['ratio_max'])})" if x["runs"] > 1 else ""
    return fmt_n(x["ratio"]) + spread


def heaviest_text(h: dict | None) -> str:
    """The heaviest page: path, bytes (gzip).

    >>> heaviest_text({"path": "muc/II.html", "raw": 2048, "gzip": 512})
    '`muc/II.html` 2,0 KiB (gzip 0,5 KiB)'
    """
    if not h or not h.get("path"):
        return "—"
    return f"`{h['path']}` {kib(h['raw'])} (gzip {kib(h['gzip'])})"


def fmt_slopes(xs: list[int], values: list[float]) -> str:
    return ", ".join(f"{a}×→{b}×: {fmt_n(v)}" for a, b, v in zip(xs, xs[1:], values))


def versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("mkdocs", "mkdocs-material", "Markdown", "PyYAML", "Jinja2")}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return fmt_n(int(line.split()[1]) / 1024 / 1024, 1) + " GiB"
    except OSError:
        pass
    return "?"


def report(r: dict) -> str:
    L: list[str] = []
    w = L.append
    when = r["date"]
    w("---")
    w("# Editor page: kept out of the reader's search and navigation (docs/bien-tap/).")
    w("search:")
    w("  exclude: true")
    w("---")
    w("")
    w("# Hiệu năng")
    w("")
    w("Trang này do `bench/run.py` tự ghi; đừng sửa tay. Số liệu đo lúc "
      f"{when} trên máy: {r['machine']['nproc']} nhân ({r['machine']['cpu']}), RAM {r['machine']['mem']}, "
      f"{r['machine']['os']}, Python {r['machine']['python']}, "
      + ", ".join(f"{k} {v}" for k, v in r["machine"]["versions"].items()) + ".")
    w("")
    took = f"lần đo này mất {fmt_n(r['elapsed'] / 60, 0)} phút; " if "elapsed" in r else ""
    w(f"Đo lại ({took}chỉ ghi đè trang này; `--quick` chỉ đo 1× và 10×, mỗi phép đo một lần):")
    w("")
    w("```sh")
    w(".venv/bin/python bench/run.py")
    w("```")
    w("")
    if r.get("quick"):
        w("!!! warning \"Bản đo nhanh\"")
        w("    Chạy với `--quick`: chỉ quy mô 1× và 10×, mỗi phép đo một lần, không có Lighthouse.")
        w("")

    # -- targets first ---------------------------------------------------------------
    w("## So với mục tiêu")
    w("")
    w("| Mục tiêu | Đo được | Đạt | Vì sao |")
    w("| --- | --- | --- | --- |")
    for row in r["verdicts"]:
        w("| " + " | ".join(row) + " |")
    w("")

    # -- real site -----------------------------------------------------------------------
    real, base, cold = r["real"], r["real_baseline"], r["real_cold"]
    w("## Dựng trang thật")
    w("")
    w(f"`mkdocs build --strict`, trung vị của {real['runs']} lần (thấp nhất – cao nhất); bộ nhớ đỉnh là "
      "ru_maxrss của tiến trình con. Ba kiểu dựng (lần đầu, sau khi sửa, nền so sánh) chạy xen kẽ nhau theo "
      "từng vòng, thứ tự đổi mỗi vòng, để máy chậm đi hay nhanh lên giữa chừng tác động đều lên cả ba; tỷ lệ "
      "là trung vị của tỷ lệ từng vòng. Thời gian CPU (user + sys của tiến trình con) ít bị máy khác chạy "
      "cùng làm nhiễu hơn thời gian thực.")
    w("")
    w("Bộ đệm dựng `.cache/plansite/` (không đưa vào git) giữ những gì không đổi khi nội dung đổi: mã QR, "
      "kết quả kiểm tra schema của tệp YAML không đổi, mẫu Jinja đã biên dịch. Khóa là mã băm của mọi đầu vào "
      "nên bộ đệm không bao giờ cũ, và trang dựng ra giống hệt từng byte khi không có bộ đệm "
      "(`tests/test_cache.py`). **Lần đầu**: bộ đệm trống, như bản sao mới của kho trên GitHub Actions. "
      "**Sau khi sửa**: bộ đệm đã có và `content/plan.yaml` vừa đổi (thêm một dòng chú thích trước mỗi lần "
      "dựng), như khi người biên tập dựng lại.")
    w("")
    w("| Chỉ số | Có hook (trang web này) | Nền so sánh (Markdown tĩnh, không hook) |")
    w("| --- | --- | --- |")
    w(f"| Thời gian dựng, sau khi sửa | {fmt_s(real['time'])} ({fmt_s(real['min'])} – {fmt_s(real['max'])}) | "
      f"{fmt_s(base['time'])} ({fmt_s(base['min'])} – {fmt_s(base['max'])}) |")
    w(f"| Thời gian dựng, lần đầu | {fmt_s(cold['time'])} ({fmt_s(cold['min'])} – {fmt_s(cold['max'])}) | |")
    w(f"| Bộ nhớ đỉnh | {mib(real['rss_mib'])} | {mib(base['rss_mib'])} |")
    w(f"| Số trang HTML | {real['html']} | {base['html']} |")
    w(f"| Dung lượng thư mục site | {mib(real['bytes'] / 2**20)} | {mib(base['bytes'] / 2**20)} |")
    w(f"| Thời gian CPU, sau khi sửa / lần đầu | {fmt_s(real['cpu'])} / {fmt_s(cold['cpu'])} | {fmt_s(base['cpu'])} |")
    w(f"| Tỷ lệ thời gian (có hook / nền), sau khi sửa | {ratio_text(real)} (CPU {fmt_n(real['cpu_ratio'])}) | |")
    w(f"| Tỷ lệ thời gian (có hook / nền), lần đầu | {ratio_text(cold)} (CPU {fmt_n(cold['cpu_ratio'])}) | |")
    w(f"| Trang HTML nặng nhất | {heaviest_text(real['heaviest'])} | {heaviest_text(base['heaviest'])} |")
    w("")
    z = r.get("real_zensical")
    if z:
        w(f"Cùng dự án dựng bằng Zensical từ bản sao mới (`python -m plansite prepare`, `zensical build`, "
          f"`python -m plansite verify`, như `bench/generators.py`), xen kẽ trong cùng các vòng: "
          f"{fmt_s(z['time'])} ({fmt_s(z['min'])} – {fmt_s(z['max'])}), tỷ lệ so với nền MkDocs {ratio_text(z)}; "
          f"{z['html']} trang HTML, {mib(z['bytes'] / 2**20)}; trang nặng nhất {heaviest_text(z['heaviest'])}.")
        w("")

    # -- scaling ---------------------------------------------------------------------------
    w("## Theo quy mô nội dung")
    w("")
    w("Nội dung tổng hợp sinh bởi `bench/synth.py` (tất định, hạt giống 2022): quy mô 1× bằng kế hoạch thật "
      "(3 mục, 5 nhiệm vụ, 12 văn bản, 12 đơn vị, 19 thuật ngữ, mỗi đoạn trích dẫn 1 văn bản), quy mô k× nhân "
      "mọi số lượng lên k lần. Mỗi quy mô dựng xen kẽ trong cùng lượt đo (như trang thật): dự án có hook, và nền so sánh là "
      "chính các trang hook sinh ra (`render_site`) ghi thành Markdown tĩnh cùng các tệp tĩnh (mã QR, trang "
      "chuyển hướng), dựng với cùng theme, plugin và extension nhưng không có hook. Trang viết tay không đưa vào.")
    w("")
    w("| Quy mô | Nhiệm vụ | Văn bản | Trang HTML | Dung lượng site | Có hook, sau khi sửa | Có hook, lần đầu | "
      "Bộ nhớ | Nền so sánh | Tỷ lệ, sau khi sửa | Tỷ lệ, lần đầu | Tỷ lệ CPU, sau khi sửa | ms / trang |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in r["scales"]:
        o, c, b, f = row["ours"], row["cold"], row["baseline"], row["facts"]
        w(f"| {row['scale']}× | {f['tasks']} | {f['documents']} | {o['html']} | {mib(o['bytes'] / 2**20)} | "
          f"{fmt_s(o['time'])} | {fmt_s(c['time'])} | {mib(max(o['rss_mib'], c['rss_mib']))} | {fmt_s(b['time'])} | "
          f"{fmt_n(o['ratio'])} | {fmt_n(c['ratio'])} | {fmt_n(o['cpu_ratio'])} | "
          f"{fmt_n(1000 * o['time'] / o['html'], 1)} |")
    w("")
    w("Trang nặng nhất ở mỗi quy mô (tệp HTML lớn nhất của site có hook) và dung lượng tải trang đó trong "
      "Chromium (mọi tệp HTML, CSS, JS, SVG trang tải, nén gzip mức 6, như mục Dung lượng tải trang):")
    w("")
    w("| Quy mô | Trang | HTML | HTML gzip | Tải cả trang (gzip) | Nền: trang nặng nhất |")
    w("| --- | --- | ---: | ---: | ---: | --- |")
    for row in r["scales"]:
        h, pw = row["ours"]["heaviest"], row.get("weight") or {}
        w(f"| {row['scale']}× | `{h['path']}` | {kib(h['raw'])} | {kib(h['gzip'])} | "
          f"{kib(pw['gzip']) if pw else '—'} | {heaviest_text(row['baseline']['heaviest'])} |")
    w("")
    if all(row.get("zensical") for row in r["scales"]):
        w("Zensical, cùng nội dung, dựng từ bản sao mới, xen kẽ trong cùng các vòng (tỷ lệ so với nền MkDocs):")
        w("")
        w("| Quy mô | Thời gian | Tỷ lệ / nền | Trang HTML | Dung lượng site | Trang nặng nhất |")
        w("| --- | ---: | ---: | ---: | ---: | --- |")
        for row in r["scales"]:
            z = row["zensical"]
            w(f"| {row['scale']}× | {fmt_s(z['time'])} ({fmt_s(z['min'])} – {fmt_s(z['max'])}) | {ratio_text(z)} | "
              f"{z['html']} | {mib(z['bytes'] / 2**20)} | {heaviest_text(z['heaviest'])} |")
        w("")
    xs = [row["scale"] for row in r["scales"]]
    w(f"Số lần dựng: {' / '.join(str(row['ours']['runs']) for row in r['scales'])} lần cho các quy mô "
      f"{' / '.join(str(x) + '×' for x in xs)} (lấy trung vị). Độ dốc log–log giữa hai quy mô liền nhau "
      "(1 là tuyến tính, 2 là bình phương):")
    w("")
    w(f"- thời gian, có hook, sau khi sửa: {fmt_slopes(xs, r['slopes']['ours'])};")
    w(f"- thời gian, có hook, lần đầu: {fmt_slopes(xs, r['slopes']['cold'])};")
    w(f"- thời gian, nền so sánh: {fmt_slopes(xs, r['slopes']['baseline'])};")
    w(f"- thời gian trong hook, sau khi sửa (đo trong cùng lần dựng): {fmt_slopes(xs, r['slopes']['overhead'])};")
    w(f"- dung lượng site: {fmt_slopes(xs, r['slopes']['bytes'])};")
    w(f"- trang HTML nặng nhất: {fmt_slopes(xs, r['slopes']['heaviest'])}" + (";" if r["slopes"].get("zensical") else "."))
    if r["slopes"].get("zensical"):
        w(f"- Zensical, thời gian lần đầu: {fmt_slopes(xs, r['slopes']['zensical'])};")
        w(f"- Zensical, dung lượng site: {fmt_slopes(xs, r['slopes']['zensical_bytes'])}.")
    w("")
    w("Thời gian của lõi `plansite` trong mỗi lần dựng (đo riêng, trung vị 3 lần; lần đầu / bộ đệm đã có): "
      "nạp và kiểm tra YAML (`load_content`), dựng Markdown (`render_site`), tệp tĩnh (`static_files`: trang "
      "chuyển hướng và mã QR). Cột cuối là toàn bộ thời gian trong hook đo ngay trong lần dựng (bảng dưới): "
      "ngoài lõi còn gắn liên kết trích dẫn, chú giải viết tắt, liên kết ngược trên HTML từng trang, bỏ dấu cho "
      "chỉ mục tìm kiếm và kiểm tra liên kết cố định.")
    w("")
    w(f"Ngoài ra mỗi lần dựng có hook nạp thêm mô-đun lõi ({fmt_s(r['imports'])}); jsonschema "
      f"({fmt_s(r['imports_schema'])}) chỉ được nạp khi có tệp YAML đã đổi phải kiểm tra schema, segno "
      f"({fmt_s(r['imports_qr'])}) chỉ khi có mã QR mới.")
    w("")
    w("| Quy mô | Nạp và kiểm tra | Dựng Markdown | Tệp tĩnh (QR) | Cộng | Cả hook, trong lần dựng |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")

    def both(row: dict, k: str) -> str:
        """First build / cache warm, for one phase of one scale."""
        return f"{fmt_s(row['phases_cold'][k])} / {fmt_s(row['phases'][k])}"

    for row in r["scales"]:
        p, pc = row["phases"], row["phases_cold"]
        w(f"| {row['scale']}× | {both(row, 'load')} | {both(row, 'render')} | {both(row, 'static')} | "
          f"{fmt_s(sum(pc.values()))} / {fmt_s(sum(p.values()))} | "
          f"{fmt_s(row['hooks']['cold']['hooks'])} / {fmt_s(row['hooks']['ours']['hooks'])} |")
    w("")

    w("Thời gian trong hook, đo ngay trong lần dựng (`bench/hooktime.py` bọc từng hàm hook bằng đồng hồ, mỗi lần "
      "một tiến trình mới): không phụ thuộc máy nhanh hay chậm giữa hai lần dựng riêng, nên ước tính tỷ lệ "
      "cả lần dựng / (cả lần dựng − hook) ổn định hơn tỷ lệ giữa hai lần dựng. Tính cả phần nạp mô-đun lõi "
      "(sự kiện `import`).")
    w("")
    w("| Site | Sau khi sửa: hook / cả lần dựng | Ước tính tỷ lệ | Lần đầu: hook / cả lần dựng | Ước tính tỷ lệ |")
    w("| --- | ---: | ---: | ---: | ---: |")
    for name, h in [("trang thật", r["real_hooks"])] + [(f"{row['scale']}×", row["hooks"]) for row in r["scales"]]:
        w(f"| {name} | {fmt_s(h['ours']['hooks'])} / {fmt_s(h['ours']['total'])} | {fmt_n(h['ours']['estimate'])} | "
          f"{fmt_s(h['cold']['hooks'])} / {fmt_s(h['cold']['total'])} | {fmt_n(h['cold']['estimate'])} |")
    w("")
    w("Thời gian từng sự kiện hook trên trang thật (trung vị):")
    w("")
    kinds = [k for k in ("ours", "text", "cold") if k in r["real_hooks"]]
    names = {"ours": "sau khi sửa (dòng chú thích)", "text": "sau khi sửa một chữ của kế hoạch", "cold": "lần đầu"}
    w("| Sự kiện | " + " | ".join(names[k] for k in kinds) + " |")
    w("| --- |" + " ---: |" * len(kinds))
    events = sorted({e for k in kinds for e in r["real_hooks"][k]["events"]},
                    key=lambda e: -r["real_hooks"][kinds[-1]]["events"].get(e, 0.0))
    for e in events:
        w(f"| `{e}` | " + " | ".join(fmt_s(r["real_hooks"][k]["events"].get(e, 0.0)) for k in kinds) + " |")
    w("| ước tính tỷ lệ | " + " | ".join(fmt_n(r["real_hooks"][k]["estimate"]) for k in kinds) + " |")
    w("")

    if "formats" in r:
        f = r["formats"]
        w("Tệp tải về (trang thật, trong tiến trình, trung vị): PDF theo thể thức văn bản hành chính "
          f"({f['fresh']['pdf_files']} tệp, WeasyPrint), DOCX (python-docx), dữ liệu mở (JSON, lược đồ, CSV). "
          "Sau khi sửa một câu ở mục I, bộ nhớ đệm giữ các tệp không đổi; chỉ tệp có nội dung đổi được dựng lại.")
        w("")
        w("| Định dạng | Lần đầu (bộ nhớ đệm trống) | Sau khi sửa | Dung lượng |")
        w("| --- | ---: | ---: | ---: |")
        w(f"| PDF | {fmt_s(f['fresh']['pdf'])} | {fmt_s(f['edited']['pdf'])} | {kib(f['fresh']['pdf_bytes'])} |")
        w(f"| DOCX | {fmt_s(f['fresh']['docx'])} | {fmt_s(f['edited']['docx'])} | {kib(f['fresh']['docx_bytes'])} |")
        w(f"| JSON, lược đồ, CSV | {fmt_s(f['fresh']['data'])} | {fmt_s(f['edited']['data'])} | |")
        w("")

    # -- serve -------------------------------------------------------------------------------
    s = r["serve"]
    w("## Xem trước với `mkdocs serve`")
    w("")
    if "error" in s:
        w(f"Không đo được: {s['error']}")
    else:
        w(f"Từ lúc lưu `content/plan.yaml` (bản sao tạm, thêm một chữ vào câu đầu tiên) đến lúc trang Toàn văn "
          f"được phục vụ có thay đổi, {s['n']} lần sửa: trung vị {fmt_s(s['median'])} (thấp nhất "
          f"{fmt_s(s['min'])}, cao nhất {fmt_s(s['max'])}).")
        w("")
        w("Khi xem trước, hook cho MkDocs biết tệp đổi ngay qua hệ điều hành (bộ theo dõi gốc của watchdog: "
          "inotify, FSEvents…) thay vì dò lại mọi tệp mỗi 0,5 s, và các tệp PDF, DOCX có nội dung đổi được dựng "
          "ở một tiến trình khác sau khi trang đã được phục vụ; trong lúc đó bản xem trước giữ tệp cũ, rồi tự dựng "
          "lại khi tệp mới xong. `mkdocs build` và bản xuất bản luôn dựng đủ mọi tệp trước khi xong "
          "(`tests/test_serve.py`).")
    w("")

    # -- page weight --------------------------------------------------------------------------
    w("## Dung lượng tải trang")
    w("")
    w("Mọi tệp HTML, CSS, JS, SVG mà Chromium tải khi mở trang (máy tính, 1280×800), mỗi tệp nén gzip mức 6 "
      "bằng Python như máy chủ GitHub Pages nén khi gửi. Chỉ mục tìm kiếm (JSON, do tiến trình tìm kiếm của "
      "Material tải ngay khi mở trang) được liệt kê và cộng riêng.")
    w("")
    for page_path, pw in r["weight"].items():
        w(f"**{page_path}**: {kib(pw['gzip'])} khi nén ({kib(pw['raw'])} chưa nén); cộng cả chỉ mục tìm kiếm: "
          f"{kib(pw['gzip_all'])} ({kib(pw['raw_all'])}).")
        w("")
        w("| Tệp | Chưa nén | gzip |")
        w("| --- | ---: | ---: |")
        for rel, raw, gz in pw["files"]:
            w(f"| `{rel}` | {kib(raw)} | {kib(gz)} |")
        if pw["other"]:
            w(f"| khác (không tính): {', '.join('`' + o + '`' for o in pw['other'])} | | |")
        w("")

    # -- lighthouse -----------------------------------------------------------------------------
    w("## Lighthouse")
    w("")
    lh = r["lighthouse"]
    if "error" in lh:
        w(f"Không đo được: {lh['error']}")
        w("")
    else:
        first = next(iter(lh.values()))
        w(f"Lighthouse {first['version']} (`npx {LIGHTHOUSE}`), cấu hình mặc định ({first['form_factor']}, mạng "
          "và CPU giả lập chậm), Chromium của Debian, trang phục vụ có gzip.")
        w("")
        runs = len(first["performance_runs"])
        w(f"Mỗi trang đo {runs} lần; bảng ghi lần có điểm hiệu suất ở giữa (trung vị), như tài liệu Lighthouse "
          "khuyên vì điểm hiệu suất dao động giữa các lần đo.")
        w("")
        w("| Trang | Hiệu suất | Trợ năng | Thực hành tốt | SEO | Hiệu suất các lần đo |")
        w("| --- | ---: | ---: | ---: | ---: | --- |")
        for page_path, x in lh.items():
            sc = x["scores"]
            w(f"| {page_path} | " + " | ".join(fmt_n(sc.get(k) or 0) for k in
                                              ("performance", "accessibility", "best-practices", "seo"))
              + " | " + ", ".join(fmt_n(v) for v in x["performance_runs"]) + " |")
        w("")
        w("Mục chưa đạt điểm tối đa (ở lần đo trung vị):")
        w("")
        for page_path, x in lh.items():
            for cat, audit, score, shown in x["failing"]:
                w(f"- {page_path}: {cat} / `{audit}` = {fmt_n(score)}" + (f" ({shown})" if shown else ""))
        if not any(x["failing"] for x in lh.values()):
            w("- không có")
        w("")
    return "\n".join(L).rstrip() + "\n"


EXPLAIN_AUDITS = {
    "aria-dialog-name": "ô tìm kiếm của Material (role=dialog) không có tên: hook đặt tên cho nó, nên nếu còn "
                        "báo là mã HTML của theme đã đổi (xem SEARCH_DIALOG trong plansite/site.py)",
    "first-contentful-paint": "CSS và JS của Material chặn hiển thị trên mạng giả lập chậm",
    "largest-contentful-paint": "CSS và JS của Material chặn hiển thị trên mạng giả lập chậm",
    "speed-index": "CSS và JS của Material chặn hiển thị trên mạng giả lập chậm",
    "total-blocking-time": "JS của Material (bundle, tìm kiếm) chạy trên CPU giả lập chậm",
    "cumulative-layout-shift": "nút sao chép do plan.js chèn sau khi trang đã hiện làm xô lệch bố cục",
}


# What to try next when a target is missed (the measured reasons come first).
NEXT_STEP = {
    "ours": "bước tiếp theo: chỉ dựng lại những trang có dữ liệu đầu vào đổi (giữ `Site` của lần dựng trước "
            "trong trạng thái của hook) và nạp ít mô-đun hơn khi khởi động",
    "cold": "PDF và mã QR đã được làm ở tiến trình thứ hai, khởi động trước khi nạp nội dung (plansite/ahead.py); "
            "bước tiếp theo: kiểm tra các tệp schema theo lược đồ gốc JSON Schema 2020-12 (nhiều nhất là "
            "labels.schema.json) ở tiến trình đó thay vì trong lần dựng, và biên dịch ít mẫu Jinja hơn",
    "serve": "bước tiếp theo: khi xem trước, chỉ dựng lại các trang có nội dung đổi",
}


def ratio_reasons(r: dict, kind: str) -> str:
    """Where the hooks' time goes, in words, for a missed ratio target."""
    h = r["real_hooks"]
    events = sorted(h[kind]["events"].items(), key=lambda e: -e[1])[:4]
    parts = [f"trên trang thật, hook chiếm {fmt_s(h[kind]['hooks'])} / {fmt_s(h[kind]['total'])} của lần dựng ("
             + ", ".join(f"`{e}` {fmt_s(t)}" for e, t in events) + ")"]
    if kind == "cold":
        f = r.get("formats", {}).get("fresh")
        if f:
            parts.append(f"lần đầu phải dựng mọi tệp tải về: PDF {fmt_s(f['pdf'])}, DOCX {fmt_s(f['docx'])} "
                         f"(đo riêng), nhiều hơn cả một lần dựng nền")
    elif "text" in h:
        parts.append(f"khi sửa một chữ của kế hoạch (không chỉ dòng chú thích), hook mất {fmt_s(h['text']['hooks'])} "
                     f"(ước tính tỷ lệ {fmt_n(h['text']['estimate'])}): PDF và DOCX của kế hoạch và của mục có "
                     "chữ đổi phải dựng lại (WeasyPrint)")
    parts.append(f"phần cố định mỗi lần dựng: nạp mô-đun lõi {fmt_s(r['imports'])}, jsonschema "
                 f"{fmt_s(r['imports_schema'])} khi có tệp YAML đã đổi")
    parts.append(NEXT_STEP[kind])
    noise = max(x["max"] / x["min"] - 1 for x in [r["real_baseline"]] + [row["baseline"] for row in r["scales"]])
    if noise > 0.05:
        parts.append(f"máy đo dùng chung: cùng một lệnh dựng nền, lần chậm nhất chậm hơn lần nhanh nhất tới "
                     f"{fmt_n(100 * noise, 0)} %")
    return "; ".join(parts)


def growth_reasons(r: dict) -> str:
    """Why time or bytes grow faster than the content, from the slopes measured."""
    sl = {k: v[-1] for k, v in r["slopes"].items() if v}
    parts = []
    if sl["bytes"] > TARGETS["slope"]:
        parts.append(f"dung lượng site tăng {fmt_n(sl['bytes'])} khi số trang HTML tăng {fmt_n(sl.get('html', 1.0))}"
                     f" và trang nặng nhất tăng {fmt_n(sl['heaviest'])}: mỗi trang mang một phần lớn dần theo quy mô "
                     "(thanh điều hướng, bảng, danh sách)")
    if sl["ours"] > TARGETS["slope"]:
        parts.append(f"thời gian tăng {fmt_n(sl['ours'])}; dựng nền không có hook tăng {fmt_n(sl['baseline'])}, "
                     f"thời gian trong hook tăng {fmt_n(sl['overhead'])}")
    return "; ".join(parts)


def verdicts(r: dict) -> list[list[str]]:
    rows = []
    ok = lambda good: "đạt" if good else "**không**"  # noqa: E731
    scales = r["scales"]
    real, real_cold, hooks = r["real"], r["real_cold"], r["real_hooks"]
    for kind, target, what in (("ours", TARGETS["ratio"], "sau khi sửa (bộ đệm đã có, `plan.yaml` vừa đổi)"),
                               ("cold", TARGETS["ratio_fresh"], "lần đầu (bản sao mới, bộ đệm trống)")):
        measured = [real if kind == "ours" else real_cold] + [row[kind] for row in scales]
        good = all(x["ratio"] <= target for x in measured)
        shown = (f"trang thật {ratio_text(measured[0])}, "
                 + ", ".join(f"{row['scale']}×: {ratio_text(row[kind])}" for row in scales)
                 + " (trung vị các vòng, trong ngoặc thấp nhất–cao nhất); ước tính trong cùng lần dựng: trang thật "
                 + fmt_n(hooks[kind]["estimate"]) + ", "
                 + ", ".join(f"{row['scale']}×: {fmt_n(row['hooks'][kind]['estimate'])}" for row in scales))
        why = "" if good else ratio_reasons(r, kind)
        rows.append([f"Tỷ lệ thời gian dựng có hook / nền ≤ {fmt_n(target)}, {what}", shown, ok(good), why])
    xs = [row["scale"] for row in scales]
    so, sbytes = r["slopes"]["ours"][-1], r["slopes"]["bytes"][-1]
    linear = so <= TARGETS["slope"] and sbytes <= TARGETS["slope"]
    rows.append([f"Thời gian dựng và dung lượng site tăng tuyến tính (độ dốc log–log {xs[-2]}×→{xs[-1]}× "
                 f"≤ {fmt_n(TARGETS['slope'])})",
                 f"thời gian {fmt_n(so)} (nền {fmt_n(r['slopes']['baseline'][-1])}, trong hook "
                 f"{fmt_n(r['slopes']['overhead'][-1])}), dung lượng {fmt_n(sbytes)}, trang nặng nhất "
                 f"{fmt_n(r['slopes']['heaviest'][-1])}",
                 ok(linear), "" if linear else growth_reasons(r)])
    s = r["serve"]
    if "error" in s:
        rows.append([f"Xem trước cập nhật ≤ {fmt_n(TARGETS['serve'], 1)} s sau khi lưu", "không đo được", "?",
                     s["error"]])
    else:
        good = s["median"] <= TARGETS["serve"]
        rows.append([f"Xem trước cập nhật ≤ {fmt_n(TARGETS['serve'], 1)} s sau khi lưu", fmt_s(s["median"]),
                     ok(good), "" if good else
                     "MkDocs chờ 0,1 s sau thay đổi cuối rồi dựng lại cả site: mọi trang qua Markdown và theme, "
                     "dù chỉ một trang đổi (chế độ --dirty của MkDocs bỏ qua trang sinh ra nhưng làm sai điều hướng); "
                     "xem thời gian một lần dựng nền ở trên; " + NEXT_STEP["serve"]])
    lh = r["lighthouse"]
    if "error" in lh:
        rows.append(["Lighthouse: hiệu suất ≥ 0,95, các mục khác 1,0", "không đo được", "?", lh["error"]])
    else:
        for page_path, x in lh.items():
            sc = x["scores"]
            good = (sc.get("performance") or 0) >= TARGETS["performance"] and all(
                (sc.get(k) or 0) >= TARGETS["others"] for k in ("accessibility", "best-practices", "seo"))
            reasons = sorted({EXPLAIN_AUDITS.get(a, f"`{a}`") for c, a, score, _ in x["failing"]
                              if (c == "performance" and (sc.get(c) or 0) < TARGETS["performance"])
                              or (c != "performance" and (sc.get(c) or 0) < TARGETS["others"])})
            rows.append([f"Lighthouse {page_path}: hiệu suất ≥ 0,95, các mục khác 1,0",
                         ", ".join(f"{k} {fmt_n(v or 0)}" for k, v in sc.items()), ok(good), "; ".join(reasons)])
    return rows


# -----------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the plan site; write docs/bien-tap/hieu-nang.md.")
    parser.add_argument("--quick", action="store_true", help="1× and 10× only, one run each, no Lighthouse")
    parser.add_argument("--out", type=Path, default=OUT, help="Markdown file to write (default docs/bien-tap/hieu-nang.md)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--no-zensical", action="store_true", help="do not build with Zensical as well")
    parser.add_argument("--scales", type=int, nargs="+", metavar="K",
                        help="synthetic scales to measure (default 1 10 50; with --quick 1 10)")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS",
                        help="write the page again from a previous run's bench/out/results.json, measuring nothing")
    args = parser.parse_args(argv)
    # The 50× plan.yaml is about 900 KB, over the editor's default file-size limit
    # (plansite.yamlsource: 512 KB), which guards against pasted-in mistakes, not scale.
    for env in (os.environ, ENV):  # in-process (prepare) and the builds it starts
        env.setdefault("PLANSITE_MAX_FILE_MB", "8")
    if args.from_json:
        old = json.loads(args.from_json.read_text(encoding="utf-8"))
        old["verdicts"] = verdicts(old)
        args.out.write_text(report(old), encoding="utf-8")
        log(f"wrote {args.out} from {args.from_json}")
        return 0
    runs = 1 if args.quick else 5
    scales = tuple(args.scales) if args.scales else SCALES[:2] if args.quick else SCALES
    started = time.monotonic()
    r: dict = {"quick": args.quick, "date": dt.datetime.now().astimezone().strftime("%d/%m/%Y %H:%M %Z"),
               "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "mem": mem_total(),
                           "os": f"{platform.system()} {platform.release()}",
                           "python": platform.python_version(), "versions": versions()}}
    with tempfile.TemporaryDirectory(prefix="plansite-bench-") as tmpdir:
        tmp = Path(tmpdir)
        log("real site")
        real_project = make_project(tmp / "real", REPO / "content", handwritten=True)
        real_site = tmp / "real-site"
        real = compare(real_project, runs, make_baseline(real_project), keep=real_site, zensical=not args.no_zensical)
        r["real_cold"], r["real"], r["real_baseline"] = (real[k] for k in KINDS)
        r["real_zensical"] = real.get("zensical")
        r["real_hooks"] = hook_share(real_project, runs, kinds=("ours", "cold", "text"))
        log("  hooks", r["real_hooks"])
        log("  ", real)

        r["scales"] = []
        for scale in scales:
            log(f"scale {scale}×")
            content = tmp / f"content-{scale}"
            facts = synth.generate(content, scale=scale)
            project = make_project(tmp / f"synth-{scale}", content, handwritten=False)
            n = runs if scale < 50 else 1
            kept = tmp / f"site-{scale}"
            result = compare(project, n, make_baseline(project), keep=kept, zensical=not args.no_zensical)
            cold, ours, baseline = (result[k] for k in KINDS)
            weight = page_weight(kept, [ours["heaviest"]["path"]])[ours["heaviest"]["path"]]
            shutil.rmtree(kept)
            phases = core_phases(project / "content", project / "templates", warm=True)
            phases_cold = core_phases(project / "content", project / "templates")
            hooks = hook_share(project, n)
            r["scales"].append({"scale": scale, "facts": facts, "ours": ours, "cold": cold, "baseline": baseline,
                                "zensical": result.get("zensical"), "weight": weight,
                                "phases": phases, "phases_cold": phases_cold, "hooks": hooks})
            log("  ours", ours, "cold", cold, "baseline", baseline, "phases", phases, "cold", phases_cold,
                "hooks", hooks)
            shutil.rmtree(project)
        log("official formats")
        r["formats"] = official_formats(REPO / "content", REPO / "templates", runs=1 if args.quick else 3)
        log("  ", r["formats"])
        r["imports"] = import_cost(CORE_MODULES)
        r["imports_schema"] = import_cost("jsonschema")
        r["imports_qr"] = import_cost("segno")
        xs = [row["scale"] for row in r["scales"]]
        zensical = [row["zensical"] for row in r["scales"] if row["zensical"]]
        r["slopes"] = {
            "zensical": slopes(xs, [z["time"] for z in zensical]) if len(zensical) == len(xs) else [],
            "zensical_bytes": slopes(xs, [z["bytes"] for z in zensical]) if len(zensical) == len(xs) else [],
            "heaviest": slopes(xs, [row["ours"]["heaviest"]["raw"] for row in r["scales"]]),
            "html": slopes(xs, [row["ours"]["html"] for row in r["scales"]]),
            "ours": slopes(xs, [row["ours"]["time"] for row in r["scales"]]),
            "cold": slopes(xs, [row["cold"]["time"] for row in r["scales"]]),
            "baseline": slopes(xs, [row["baseline"]["time"] for row in r["scales"]]),
            "overhead": slopes(xs, [row["hooks"]["ours"]["hooks"]
                                    for row in r["scales"]]),
            "bytes": slopes(xs, [row["ours"]["bytes"] for row in r["scales"]])}

        log("mkdocs serve")
        try:
            r["serve"] = serve_latency(tmp, edits=3 if args.quick else 5)
        except Exception as exc:  # report, don't lose the other figures
            r["serve"] = {"error": " ".join(str(exc).split())[:400]}
        log("  ", r["serve"])

        log("page weight")
        r["weight"] = page_weight(real_site, ["index.html", "muc/II.html"])
        if args.quick or args.no_lighthouse:
            r["lighthouse"] = {"error": "bỏ qua khi chạy với --quick / --no-lighthouse"}
        else:
            log("lighthouse")
            r["lighthouse"] = lighthouse(real_site, ["index.html", "muc/II.html"], tmp)
        log("  ", r["lighthouse"])

    r["elapsed"] = time.monotonic() - started
    r["verdicts"] = verdicts(r)
    args.out.write_text(report(r), encoding="utf-8")
    (REPO / "bench" / "out").mkdir(exist_ok=True)
    (REPO / "bench" / "out" / "results.json").write_text(json.dumps(r, ensure_ascii=False, indent=1, default=str),
                                                         encoding="utf-8")
    log(f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")

    # The page is part of the site: it must still build strictly.
    with tempfile.TemporaryDirectory(prefix="plansite-check-") as tmpdir:
        try:
            timed([PY, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", tmpdir], REPO)
        except RuntimeError as exc:
            log("the site no longer builds with the new page:", exc)
            return 1
    log("mkdocs build --strict passes with the new page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
