"""Command line: `python -m plansite check` validates content/ without building."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from .errors import ContentError
from .loader import FILES, load_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plansite")
    parser.add_argument("command", choices=["check", "normalize"],
                        help="check: validate content/; normalize: rewrite content files as Unicode NFC")
    parser.add_argument("--content", default="content", help="content directory (default: content)")
    args = parser.parse_args(argv)
    content_dir = Path(args.content)
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
    plan = content.plan
    tasks = sum(1 for _ in plan.tasks())
    print(f"content OK: {len(plan.sections)} sections, {tasks} tasks, "
          f"{len(content.documents)} documents, {len(content.units)} units, {len(content.terms)} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
