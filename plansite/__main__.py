"""Command line.

    python -m plansite check          validate content/ without building
    python -m plansite normalize      rewrite content files as Unicode NFC
    python -m plansite permalinks     add the built site's pages and anchors to
                                      permalinks.lock.json (never removes any);
                                      --init creates it when it does not exist
    python -m plansite permalinks --reset
                                      start the manifest afresh for a new plan,
                                      saying what it drops
    python -m plansite import SOURCE -o DIR
                                      draft content files from a .docx, PDF or
                                      text of a plan, with a review report
    python -m plansite prepare        the whole site but its HTML, for a generator that
                                      reads a folder: build/zensical/docs (then `zensical build`)
    python -m plansite verify DIR     check a built site against permalinks.lock.json

Every failure is reported as `file:line:col: what — fix` lines on stderr and a
non-zero exit, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .errors import ContentError, Problem, report
from .history import load_changes
from .loader import FILES, load_content
from .permalinks import INIT_HINT, dump_manifest, read_manifest, reset_manifest, scan_site, title_ids, update_manifest
from .yamlsource import decode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plansite")
    parser.add_argument("command", choices=["check", "normalize", "permalinks", "import", "prepare", "verify"],
                        help="check: validate content/; normalize: rewrite content files as Unicode NFC; "
                             "permalinks: record the built site's URLs and anchors in the manifest; "
                             "import: draft content files from a plan's .docx, PDF or text")
    parser.add_argument("target", nargs="?",
                        help="import: the plan's .docx, .pdf or .txt; verify: the built site (default: site-zensical)")
    parser.add_argument("-o", "--output", help="import: folder for the draft content files")
    parser.add_argument("--force", action="store_true", help="import: overwrite a draft already in the folder")
    parser.add_argument("--reset", action="store_true",
                        help="permalinks: drop every recorded permalink (for a new plan), listing what is dropped")
    parser.add_argument("--content", default="content", help="content directory (default: content)")
    parser.add_argument("--site", default="site", help="built site, for permalinks (default: site)")
    parser.add_argument("--manifest", default="permalinks.lock.json", help="permalink manifest")
    parser.add_argument("--init", action="store_true",
                        help="permalinks: create the manifest if it does not exist yet")
    parser.add_argument("--out", default="build/zensical", help="prepare, verify: the folder of the prepared site (default: build/zensical)")
    args = parser.parse_args(argv)
    content_dir = Path(args.content)
    if args.command in ("prepare", "verify"):
        from .generators import prepare_command, verify_command

        if args.command == "prepare":
            return prepare_command(Path.cwd(), Path(args.out))
        return verify_command(Path.cwd(), Path(args.target or "site-zensical"), Path(args.out))
    if args.command == "import":
        return _import(parser, args)
    if args.command == "permalinks" and args.reset:
        return _reset_permalinks(Path(args.manifest))
    try:
        if args.command == "permalinks":
            problems = _permalinks(Path(args.site), Path(args.manifest), init=args.init)
        elif args.command == "normalize":
            problems = _normalize(content_dir)
        else:
            problems = _check(content_dir)
    except ContentError as exc:
        problems = exc.problems
    if problems:
        print(report(problems, "content/" if args.command == "check" else ""), file=sys.stderr)
        return 1
    return 0


# -----------------------------------------------------------------------------
# Commands
# -----------------------------------------------------------------------------

def _check(content_dir: Path) -> list[Problem]:
    content = load_content(content_dir, display_root=Path.cwd())
    load_changes(content_dir, content, display_root=Path.cwd())  # content/changes.yaml, if any
    from .checkrender import check_site  # renders every page in memory, as a build would

    problems = check_site(content, content_dir, Path.cwd())
    if problems:
        return problems
    plan = content.plan
    tasks = sum(1 for _ in plan.tasks())
    print(f"content OK: {len(plan.sections)} sections, {tasks} tasks, "
          f"{len(content.documents)} documents, {len(content.units)} units, {len(content.terms)} terms")
    return []


def _normalize(content_dir: Path) -> list[Problem]:
    problems = []
    for name in FILES.values():
        path = content_dir / name
        display = path.as_posix()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(_os_problem(display, "read", exc))
            continue
        text, problem = decode(raw, display)
        if problem is not None:
            problems.append(problem)
            continue
        fixed = unicodedata.normalize("NFC", text)
        if fixed == text:
            continue
        try:
            path.write_bytes(fixed.encode("utf-8"))
        except OSError as exc:
            problems.append(_os_problem(display, "write", exc))
            continue
        print(f"normalized {path}")
    return problems


def _permalinks(site: Path, manifest_path: Path, *, init: bool) -> list[Problem]:
    display = manifest_path.as_posix()
    old, problems = read_manifest(manifest_path, display)
    if problems:
        return problems
    if not (site / "index.html").exists():
        if init and old is None:  # a new site: an empty lockfile lets the first publishing build run
            return _write_manifest(manifest_path, display, {}, {"version": 1, "pages": {}})
        return [Problem(f"{site.as_posix()}/index.html", 1, 1, f"{site.as_posix()}/ holds no built site",
                        "run `./run.sh build` first")]
    if old is None and not init:
        return [Problem(display, 1, 1, "the lockfile does not exist",
                        f"restore it from git (git checkout -- {display}); for a new site create it with "
                        f"{INIT_HINT}")]
    old = old or {}
    return _write_manifest(manifest_path, display, old, update_manifest(old, scan_site(site), title_ids(site)))


def _write_manifest(manifest_path: Path, display: str, old: dict, new: dict) -> list[Problem]:
    try:
        manifest_path.write_text(dump_manifest(new), encoding="utf-8")
    except OSError as exc:
        return [_os_problem(display, "write", exc)]
    before = sum(len(a) + 1 for a in old.get("pages", {}).values())
    after = sum(len(a) + 1 for a in new["pages"].values())
    print(f"{display}: {len(new['pages'])} pages, {after} permalinks ({after - before} added)")
    return []


# -----------------------------------------------------------------------------
# Helper functions
# -----------------------------------------------------------------------------

def _os_problem(display: str, verb: str, exc: OSError) -> Problem:
    reason = exc.strerror or str(exc)
    may = "readable" if verb == "read" else "writable"
    return Problem(str(display), 1, 1, f"cannot {verb} the file ({reason})",
                   f"check that the file and its folder exist and are {may} by you (not read-only, not open "
                   f"in another program), then run the command again")


def _import(parser: argparse.ArgumentParser, args) -> int:
    from .importer.cli import run

    if not args.target or not args.output:
        parser.error("import needs SOURCE and -o DIR, e.g. python -m plansite import ke-hoach.docx -o nhap")
    return run(Path(args.target), Path(args.output), Path(args.content), force=args.force)


def _reset_permalinks(manifest_path: Path) -> int:
    """For a new plan: the old plan's permalinks would block its build."""
    if not manifest_path.exists():
        print(f"{manifest_path}: no manifest; nothing to reset")
        return 0
    try:
        new, report = reset_manifest(json.loads(manifest_path.read_text(encoding="utf-8")), str(manifest_path))
        manifest_path.write_text(dump_manifest(new), encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"{manifest_path}: cannot reset the manifest ({exc}) — fix or delete it by hand", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
