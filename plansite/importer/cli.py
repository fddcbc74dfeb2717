"""`python -m plansite import SOURCE -o DIR`: print the review report, or why the file was refused.

Exit status: 0 (draft written, maybe with places to review), 2 (the file cannot
be imported: the message says why and what to do), 3 (the importer met
something it does not handle; PLANSITE_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import REPORT, ImportFailure, import_plan


def run(source: Path, output: Path, content: Path, *, force: bool = False) -> int:
    try:
        result = import_plan(source, output, project_content=content, force=force)
    except ImportFailure as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours must not greet the editor with a traceback
        if os.environ.get("PLANSITE_DEBUG"):
            raise
        print(f"import failed: {source.name}: the importer stopped on something it does not handle "
              f"({type(exc).__name__}: {exc}) — please report it with the file; PLANSITE_DEBUG=1 shows the details",
              file=sys.stderr)
        return 3
    print(result.report, end="")
    print(f"draft written to {result.out_dir}/ in {result.seconds:.2f} s; review report: "
          f"{result.out_dir}/{REPORT}")
    print(f"next: python -m plansite check --content {result.out_dir}")
    return 0
