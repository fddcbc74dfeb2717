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
import os
import sys
import unicodedata
from pathlib import Path

from .errors import ContentError
from .permalinks import dump_manifest, scan_site, update_manifest
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
    from .importer import ImportFailure, import_plan

    if not args.source or not args.output:
        parser.error("import needs SOURCE and -o DIR, e.g. python -m plansite import ke-hoach.docx -o nhap")
    try:
        result = import_plan(Path(args.source), Path(args.output), project_content=Path(args.content),
                             force=args.force)
    except ImportFailure as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours must not greet the editor with a traceback
        if os.environ.get("PLANSITE_DEBUG"):
            raise
        print(f"import failed: {args.source}: the importer stopped on something it does not handle "
              f"({type(exc).__name__}: {exc}) — please report it with the file; PLANSITE_DEBUG=1 shows the details",
              file=sys.stderr)
        return 3
    print(result.report, end="")
    print(f"draft written to {result.out_dir}/ in {result.seconds:.2f} s; review report: "
          f"{result.out_dir}/{REPORT_NAME}")
    print(f"next: python -m plansite check --content {result.out_dir}")
    return 0


def _reset_permalinks(manifest_path: Path) -> int:
    """For a new plan: the old plan's permalinks would block its build."""
    if not manifest_path.exists():
        print(f"{manifest_path}: no manifest; nothing to reset")
        return 0
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        pages = old.get("pages", {})
        if not isinstance(pages, dict):
            raise ValueError("'pages' is not a mapping")
    except (ValueError, AttributeError) as exc:
        print(f"{manifest_path}: not a permalink manifest ({exc}); fix or delete it by hand", file=sys.stderr)
        return 1
    count = sum(len(anchors) + 1 for anchors in pages.values())
    for page, anchors in sorted(pages.items()):
        shown = ", ".join(anchors[:8]) + (f", … ({len(anchors) - 8} more)" if len(anchors) > 8 else "")
        print(f"drop {page}" + (f" (#{shown})" if anchors else ""))
    manifest_path.write_text(dump_manifest({"version": 1, "pages": {}}), encoding="utf-8")
    print(f"{manifest_path}: dropped {len(pages)} pages and {count} permalinks of the previous plan. "
          "Build the new plan, then run `python -m plansite permalinks` to record its links.")
    return 0


REPORT_NAME = "import-review.txt"


if __name__ == "__main__":
    sys.exit(main())
