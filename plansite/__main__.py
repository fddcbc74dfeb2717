"""Command line.

    python -m plansite check          validate content/ without building
    python -m plansite normalize      rewrite content files as Unicode NFC
    python -m plansite permalinks     add the built site's pages and anchors to
                                      permalinks.lock.json (never removes any)
    python -m plansite permalinks --reset
                                      start the manifest afresh for a new plan,
                                      saying what it drops
    python -m plansite import SOURCE -o DIR
                                      draft content files from a .docx, PDF or
                                      text of a plan, with a review report
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .errors import ContentError
from .permalinks import dump_manifest, reset_manifest, scan_site, update_manifest
from .loader import FILES, load_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plansite")
    parser.add_argument("command", choices=["check", "normalize", "permalinks", "import"],
                        help="check: validate content/; normalize: rewrite content files as Unicode NFC; "
                             "permalinks: record the built site's URLs and anchors in the manifest; "
                             "import: draft content files from a plan's .docx, PDF or text")
    parser.add_argument("source", nargs="?", help="import: the plan's .docx, .pdf or .txt")
    parser.add_argument("-o", "--output", help="import: folder for the draft content files")
    parser.add_argument("--force", action="store_true", help="import: overwrite a draft already in the folder")
    parser.add_argument("--reset", action="store_true",
                        help="permalinks: drop every recorded permalink (for a new plan), listing what is dropped")
    parser.add_argument("--content", default="content", help="content directory (default: content)")
    parser.add_argument("--site", default="site", help="built site, for permalinks (default: site)")
    parser.add_argument("--manifest", default="permalinks.lock.json", help="permalink manifest")
    args = parser.parse_args(argv)
    content_dir = Path(args.content)
    if args.command == "import":
        return _import(parser, args)
    if args.command == "permalinks" and args.reset:
        return _reset_permalinks(Path(args.manifest))
    if args.command == "permalinks":
        return _permalinks(Path(args.site), Path(args.manifest))
    if args.command == "normalize":
        for name in FILES.values():
            path = content_dir / name
            if path.exists():
                text = path.read_text(encoding="utf-8")
                fixed = unicodedata.normalize("NFC", text)
                if fixed != text:
                    path.write_text(fixed, encoding="utf-8")
                    print(f"normalized {path}")
        return 0
    try:
        content = load_content(content_dir, display_root=Path.cwd())
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    from .checkrender import check_site  # renders every page in memory, as a build would

    problems = check_site(content, content_dir, Path.cwd())
    if problems:
        print(ContentError(problems).report(), file=sys.stderr)
        return 1
    plan = content.plan
    tasks = sum(1 for _ in plan.tasks())
    print(f"content OK: {len(plan.sections)} sections, {tasks} tasks, "
          f"{len(content.documents)} documents, {len(content.units)} units, {len(content.terms)} terms")
    return 0


def _permalinks(site: Path, manifest_path: Path) -> int:
    if not (site / "index.html").exists():
        print(f"{site}/ holds no built site: run `./run.sh build` first", file=sys.stderr)
        return 1
    old = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    new = update_manifest(old, scan_site(site))
    before = sum(len(a) + 1 for a in old.get("pages", {}).values())
    after = sum(len(a) + 1 for a in new["pages"].values())
    manifest_path.write_text(dump_manifest(new), encoding="utf-8")
    print(f"{manifest_path}: {len(new['pages'])} pages, {after} permalinks ({after - before} added)")
    return 0


def _import(parser: argparse.ArgumentParser, args) -> int:
    from .importer.cli import run

    if not args.source or not args.output:
        parser.error("import needs SOURCE and -o DIR, e.g. python -m plansite import ke-hoach.docx -o nhap")
    return run(Path(args.source), Path(args.output), Path(args.content), force=args.force)


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
