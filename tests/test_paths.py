"""Site path helpers: relative links agree with posixpath.relpath."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given, strategies as st

from plansite.paths import _relpath, relative


@pytest.mark.parametrize("target, page, link", [
    ("van-ban/ct-33-ttg.html", "index.html", "van-ban/ct-33-ttg.html"),
    ("van-ban/ct-33-ttg.html", "muc/II.html", "../van-ban/ct-33-ttg.html"),
    ("muc/II.html#II-1-a", "muc/II.html", "II.html#II-1-a"),
    ("index.html", "k/II-1-a/index.html", "../../index.html"),
    ("#top", "muc/II.html", "#top"),
    ("k/II/", "index.html", "k/II"),
])
def test_relative_links(target, page, link):
    assert relative(target, page) == link


segment = st.sampled_from(["a", "b", "muc", "van-ban", "k", "II", "x.html", ".", ".."])
# Site paths never climb above the site root; posixpath.relpath resolves such
# paths against os.getcwd(), so they would test the working directory instead.
site_path = (st.lists(segment, min_size=1, max_size=5).map("/".join)
             .filter(lambda p: not posixpath.normpath(p).startswith("..")))


@given(site_path, st.lists(st.sampled_from(["a", "b", "muc", "k"]), max_size=4).map("/".join))
def test_relpath_matches_posixpath(path, start):
    assert _relpath(path, start) == posixpath.relpath(path, start or ".")


@pytest.mark.parametrize("path, start", [("/x.html", ""), ("x.html", "/muc"), ("../x.html", ""), ("x.html", "../a"),
                                         ("a/../../x.html", "muc")])
def test_paths_outside_the_site_are_refused(path, start):
    with pytest.raises(ValueError, match="not a path inside the site"):
        _relpath(path, start)
