"""Reader and editor areas apart.

Editor and developer pages live under docs/bien-tap/ (paths.EDITOR_DIR): out
of the reader's navigation (mkdocs.yml `not_in_nav`), search (their front
matter) and backlinks (the hooks), and reached from a link in every page's
footer, which this module adds to the built HTML.
"""

from __future__ import annotations

import html
import json

from . import model as m
from .permalinks import aliases, citables

FOOTER_END = "</footer>"


def add_footer_link(page_html: str, href: str, label: str) -> tuple[str, bool]:
    """Put a link to the editors' area at the end of the theme's footer.

    Returns (html, found): found is False when the page has no footer (the
    theme's markup changed), and the page is returned unchanged.

    >>> add_footer_link('<footer class="md-footer">x</footer>', 'bien-tap/a.html', 'Biên tập')[0]
    '<footer class="md-footer">x<div class="plan-footer-links md-grid"><a href="bien-tap/a.html">Biên tập</a></div></footer>'
    """
    at = page_html.rfind(FOOTER_END)
    if at < 0:
        return page_html, False
    link = (f'<div class="plan-footer-links md-grid"><a href="{html.escape(href, quote=True)}">'
            f'{html.escape(label)}</a></div>')
    return page_html[:at] + link + page_html[at:], True


def plan_data_js(content: m.Content) -> str:
    """assets/plan-data.js: what assets/plan.js needs from content/ — labels,
    moved ids (aliases) and the ids that have a short URL (the 404 page
    suggests the nearest one, offline)."""
    labels = content.labels
    ids = {u.id for u in citables(content)} | set(aliases(content))
    ids |= {old for d in content.documents for old in d.moved_from}
    data = {"labels": {**labels["copy"], **labels["readers"]["share"], "not_found": labels["readers"]["not_found"]},
            "aliases": aliases(content), "ids": sorted(ids)}
    return script_data("PLAN", data)


def script_data(name: str, data) -> str:
    r"""A script that sets window.<name> to `data`; content stays data wherever
    the script ends up ("</script>" or "<!--" in a label, were a generator to
    inline it), and JavaScript's line terminators U+2028/U+2029 are escaped.

    >>> print(script_data("X", {"a": "</script><!--"}))
    window.X = {"a": "<\/script>\u003c!--"};
    <BLANKLINE>
    """
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{name} = {text};\n"
