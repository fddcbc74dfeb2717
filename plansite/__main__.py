"""Command line.

    python -m plansite check          validate content/ without building
    python -m plansite normalize      rewrite content files as Unicode NFC
    python -m plansite permalinks     add the built site's pages and anchors to
                                      permalinks.lock.json (never removes any)
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .errors import ContentError
from .permalinks import dump_manifest, scan_site, update_manifest
from .loader import FILES, load_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plansite")
    parser.add_argument("command", choices=["check", "normalize", "permalinks"],
                        help="check: validate content/; normalize: rewrite content files as Unicode NFC; "
                             "permalinks: record the built site's URLs and anchors in the manifest")
    parser.add_argument("--content", default="content", help="content directory (default: content)")
    parser.add_argument("--site", default="site", help="built site, for permalinks (default: site)")
    parser.add_argument("--manifest", default="permalinks.lock.json", help="permalink manifest")
    args = parser.parse_args(argv)
    content_dir = Path(args.content)
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


if __name__ == "__main__":
    sys.exit(main())
