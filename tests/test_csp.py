"""Content-Security-Policy: every theme page carries one, it blocks injected
script, and it breaks nothing over http:// or from the folder (file://)."""

from __future__ import annotations

import re

import pytest

from plansite import csp

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def test_every_theme_page_has_a_strict_policy(built_site):
    pages = [p for p in built_site.rglob("*.html") if "md-search" in p.read_text(encoding="utf-8")]
    assert len(pages) > 30
    for path in pages:
        policies = POLICY.findall(path.read_text(encoding="utf-8"))
        assert len(policies) == 1, path
        directives = dict(d.strip().split(" ", 1) for d in policies[0].split(";"))
        scripts = directives["script-src"].split()
        assert scripts[0] == "'self'" and scripts[1:] and all(s.startswith("'sha256-") for s in scripts[1:]), path
        assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'", path
        assert "unsafe" not in directives["script-src"] and csp.PLACEHOLDER not in policies[0], path


def test_policy_doctests():
    import doctest

    assert doctest.testmod(csp).failed == 0


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "file"])
def test_policy_blocks_injection_and_breaks_nothing(page, site_server, built_site, where):
    from playwright.sync_api import expect

    base = site_server if where == "http" else built_site.as_uri() + "/"
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    for path in ("index.html", "muc/II.html", "van-ban/ct-33-ttg.html", "don-vi/index.html"):
        page.goto(base + path)
        expect(page.locator("article h1").first).to_be_visible()
    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == [], violations

    # the theme works: search (a worker, or the iframe shim from file://), footnote tooltips
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("dan van")
    box.press("End")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert [m for m in messages if "Content Security Policy" in m] == []

    # injected markup and script do not run
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend',
          '<img src="x" onerror="window.__injected = 1"><a id="js" href="javascript:window.__injected=2">x</a>');
        const s = document.createElement('script'); s.textContent = 'window.__injected = 3';
        document.body.appendChild(s);
    }""")
    page.keyboard.press("Escape")
    page.evaluate("document.getElementById('js').click()")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__injected") is None
    assert len([m for m in messages if "Content Security Policy" in m]) >= 2
