"""Typeset a standalone HTML document into a PDF (WeasyPrint), through the build cache.

Fonts come from the system (Debian fonts-liberation2) and are embedded as
subsets; nothing is fetched: a url_fetcher that refuses every URL makes sure.
"""

from __future__ import annotations

from functools import lru_cache

from .cache import NO_CACHE, DiskCache, code_version, key, version

NAMESPACE = "pdf"


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the PDF may not load {url!r}: documents are self-contained")


def _name(html: str) -> str:
    return key(html, version("weasyprint"), version("pydyf"), code_version(__file__)) + ".pdf"


def cached_pdf(html: str, cache: DiskCache) -> bytes | None:
    """The PDF of `html` if the build cache holds it, without typesetting."""
    return cache.get(NAMESPACE, _name(html))


def html_to_pdf(html: str, cache: DiskCache = NO_CACHE) -> bytes:
    """PDF bytes of `html`; the same input (and WeasyPrint, pydyf, this module) gives cached bytes."""
    name = _name(html)
    hit = cache.get(NAMESPACE, name)
    if hit is not None:
        return hit
    import weasyprint  # slow to import; only builds that make PDFs pay for it

    data = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        uncompressed_pdf=False, pdf_identifier=name[:32].encode(), custom_metadata=False,
        font_config=_font_config())
    cache.put(NAMESPACE, name, data)
    return data


@lru_cache(maxsize=1)
def _font_config():
    """One font configuration for every document of the process: setting fontconfig up
    again per PDF took about 40 % of the typesetting time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()
