"""The benchmark's helpers (bench/run.py) on tiny inputs, and its page written from
made-up figures: a missing figure must fail here, not at the end of a 20-minute run."""

from __future__ import annotations

import doctest
import gzip
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import run as bench  # noqa: E402  (bench/run.py)


def test_the_doctests_of_the_benchmark_pass():
    result = doctest.testmod(bench)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize(("xs", "ys", "expected"), [
    ([1, 10, 50], [1.0, 10.0, 50.0], [1.0, 1.0]),      # linear
    ([10, 50], [1.0, 25.0], [2.0]),                    # quadratic
    ([10, 50], [3.0, 3.0], [0.0]),                     # constant
    ([1, 10], [2.0, 2.0 * 10 ** 1.1], [1.1]),
])
def test_slopes_are_log_log(xs, ys, expected):
    assert bench.slopes(xs, ys) == pytest.approx(expected)


def test_heaviest_page_is_the_largest_html_file_with_its_gzip_size(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text("<p>x</p>" * 10, encoding="utf-8")
    big = "<li>mục</li>" * 500
    (tmp_path / "a" / "big.html").write_text(big, encoding="utf-8")
    (tmp_path / "a" / "huge.js").write_text("x" * 100_000, encoding="utf-8")  # not a page
    got = bench.heaviest_page(tmp_path)
    assert got == {"path": "a/big.html", "raw": len(big.encode()), "gzip": len(gzip.compress(big.encode(), 6))}
    assert bench.heaviest_page(tmp_path / "a" / "nothing") == {"path": None, "raw": 0, "gzip": 0}


def test_site_facts_count_pages_and_bytes(tmp_path):
    (tmp_path / "index.html").write_bytes(b"12345")
    (tmp_path / "x.css").write_bytes(b"123")
    facts = bench.site_facts(tmp_path)
    assert (facts["html"], facts["bytes"], facts["heaviest"]["path"]) == (1, 8, "index.html")


def test_summarize_gives_ratios_to_the_baseline_round_by_round():
    def rows(*times):
        return [{"time": t, "cpu": t / 2, "rss": 2048, "html": 3, "bytes": 10, "heaviest": None} for t in times]

    out = bench.summarize({"baseline": rows(1.0, 2.0, 4.0), "ours": rows(2.0, 2.0, 2.0), "zensical": rows(0.5, 1.0, 4.0)})
    assert (out["ours"]["ratio"], out["ours"]["ratio_min"], out["ours"]["ratio_max"]) == (1.0, 0.5, 2.0)
    assert (out["zensical"]["ratio"], out["zensical"]["ratio_min"], out["zensical"]["ratio_max"]) == (0.5, 0.5, 1.0)
    assert (out["baseline"]["time"], out["baseline"]["min"], out["baseline"]["max"]) == (2.0, 1.0, 4.0)
    assert "ratio" not in out["baseline"] and out["ours"]["rss_mib"] == 2.0


def test_a_text_edit_changes_one_word_of_the_plan_and_undoes_the_last_one(tmp_path):
    (tmp_path / "content").mkdir()
    plan = tmp_path / "content" / "plan.yaml"
    plan.write_text("a:\n  text: >-\n    Một câu\n    dài.\n  b:\n    text: >-\n      Câu khác.\n", encoding="utf-8")
    bench.edit_text(tmp_path)
    once = plan.read_text(encoding="utf-8")
    bench.edit_text(tmp_path)
    twice = plan.read_text(encoding="utf-8")
    assert once.count("mocbench") == twice.count("mocbench") == 1 and once != twice
    assert twice.split("mocbench")[0] == "a:\n  text: >-\n    "
    with pytest.raises(ValueError, match="no folded text"):
        bench.insert_marker("a: b\n", "x")


# -----------------------------------------------------------------------------
# The page, from made-up figures
# -----------------------------------------------------------------------------

def _build(t: float, **extra) -> dict:
    return {"time": t, "min": t * 0.9, "max": t * 1.2, "runs": 3, "cpu": t, "rss_mib": 40.0, "html": 60,
            "bytes": 3_000_000, "heaviest": {"path": "muc/II.html", "raw": 90_000, "gzip": 20_000}, **extra}


def _ratio(t: float, ratio: float) -> dict:
    return _build(t, ratio=ratio, ratio_min=ratio - 0.1, ratio_max=ratio + 0.1, cpu_ratio=ratio)


def _hooks() -> dict:
    row = lambda hooks, total: {"hooks": hooks, "total": total, "estimate": total / (total - hooks),  # noqa: E731
                                "events": {"import": 0.1, "config": hooks - 0.2, "page_content": 0.1}}
    return {"ours": row(0.4, 1.4), "cold": row(3.0, 4.0), "text": row(1.5, 2.5)}


def _results(ratio: float, slope_bytes: float) -> dict:
    scale_rows = []
    for scale in (1, 10, 50):
        scale_rows.append({
            "scale": scale, "facts": {"tasks": 5 * scale, "documents": 12 * scale},
            "ours": _ratio(scale, ratio), "cold": _ratio(scale, 1.5), "baseline": _build(scale * 0.9),
            "zensical": _ratio(scale * 0.5, 0.6), "weight": {"gzip": 100_000},
            "phases": {"load": 0.1, "render": 0.1, "static": 0.0}, "phases_cold": {"load": 0.2, "render": 0.2,
                                                                                  "static": 0.1},
            "hooks": _hooks()})
    slope = [1.0, 1.0]
    return {
        "quick": False, "date": "29/11/2026 12:00 UTC",
        "machine": {"nproc": 2, "cpu": "x", "mem": "24 GiB", "os": "Linux", "python": "3.11",
                    "versions": {"mkdocs": "1.6.1"}},
        "real": _ratio(1.4, ratio), "real_cold": _ratio(4.0, 1.5), "real_baseline": _build(1.0),
        "real_zensical": _ratio(0.8, 0.8), "real_hooks": _hooks(), "scales": scale_rows,
        "formats": {"fresh": {"pdf": 2.0, "docx": 0.3, "data": 0.01, "pdf_files": 17, "pdf_bytes": 500_000,
                              "docx_bytes": 40_000},
                    "edited": {"pdf": 0.6, "docx": 0.3, "data": 0.01}},
        "imports": 0.12, "imports_schema": 0.07, "imports_qr": 0.02,
        "slopes": {"ours": slope, "cold": slope, "baseline": slope, "overhead": slope, "bytes": [1.0, slope_bytes],
                   "heaviest": [0.5, 0.9], "html": slope, "zensical": slope, "zensical_bytes": slope},
        "serve": {"median": 0.9, "min": 0.8, "max": 1.3, "n": 5},
        "weight": {"index.html": {"files": [("index.html", 9000, 3000)], "other": [], "raw": 9000, "gzip": 3000,
                                  "raw_all": 9000, "gzip_all": 3000}},
        "lighthouse": {"error": "bỏ qua"},
    }


def test_the_page_reports_every_figure_the_issue_asks_for():
    r = _results(ratio=1.05, slope_bytes=1.02)
    r["verdicts"] = bench.verdicts(r)
    page = bench.report(r)
    assert page.startswith("---\n") and "search:\n  exclude: true" in page  # a developer page
    for figure in ("1,05 (0,95–1,15)",          # ratio with min–max
                   "Zensical",                   # the second generator
                   "`muc/II.html` 87,9 KiB (gzip 19,5 KiB)",  # heaviest page
                   "trang HTML nặng nhất: 1×→10×: 0,50, 10×→50×: 0,90",
                   "dung lượng site: 1×→10×: 1,00, 10×→50×: 1,02",
                   "Zensical, dung lượng site",
                   "trung vị 0,90 s",            # serve latency
                   "sau khi sửa một chữ của kế hoạch"):
        assert figure in page, figure
    # after an edit, fresh (1.5 > 1.20), linear growth, serve; Lighthouse was not run
    assert [row[2] for row in r["verdicts"]] == ["đạt", "**không**", "đạt", "đạt", "?"]


def test_missed_targets_say_why():
    r = _results(ratio=1.3, slope_bytes=1.5)
    rows = bench.verdicts(r)
    missed = {row[0]: row[3] for row in rows if row[2] == "**không**"}
    assert len(missed) == 3  # after an edit, fresh, linear growth
    assert all(reason for reason in missed.values())
    assert any("`config`" in reason for reason in missed.values())
    assert any("dung lượng site tăng 1,50" in reason for reason in missed.values())
