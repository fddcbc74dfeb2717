"""What readers type, and where it must lead: the fixed query list of the
search-ranking tests (tests/test_search.py) and of bench/search_rank.py.

Each entry: (query, regex on the href of a result link). A query passes when
one of the first three result groups Material shows links to a matching
address (the page itself or one of its sections). Written from the plan's own
vocabulary, without and with diacritics.
"""

from __future__ import annotations

from helpers import open_search
from plansite.searchfold import fold

# Pages of the plan where "dân vận" itself is the subject.
_DAN_VAN = (r"^(index\.html|muc/(I|II)\.html|van-ban/(ct-33-ttg|kh-danvan-2022|ct-49-tw)\.html)(#|$)"
            r"|^thuat-ngu\.html#dan-van$")
# The glossary entry of a term is also what a reader means by it.
_GLOSSARY = r"|^thuat-ngu\.html#{}$"



def both(query: str, target: str) -> list[tuple[str, str]]:
    """The query typed without diacritics (as most readers do), then as written."""
    return [(fold(query).lower(), target), (query, target)]


QUERIES: list[tuple[str, str]] = [
    *both("dân vận", _DAN_VAN),
    *both("tiếp công dân", r"^muc/II\.html#II-4$"),
    *both("Văn phòng Sở", r"^(don-vi/van-phong-so\.html|muc/III\.html)(#|$)"),
    *both("cải cách hành chính",
         r"^(muc/II\.html#II-3|van-ban/kh-cchc-2022\.html)(#|$)" + _GLOSSARY.format("cai-cach-hanh-chinh")),
    ("33 CT-TTg", r"^van-ban/ct-33-ttg\.html(#|$)"),
    ("chi thi 33", r"^van-ban/ct-33-ttg\.html(#|$)"),
    ("thanh tra", r"^(don-vi/thanh-tra-so\.html|muc/II\.html#II-4)(#|$)"),
    ("Thanh tra Sở", r"^(don-vi/thanh-tra-so\.html|muc/II\.html#II-4)(#|$)"),
    ("khieu nai to cao", r"^muc/II\.html#II-4$"),
    ("quy che dan chu", r"^muc/II\.html#II-(3|5)$" + _GLOSSARY.format("quy-che-dan-chu")),
    ("mot cua lien thong", r"^muc/II\.html#II-3$" + _GLOSSARY.format("mot-cua")),
    ("dich vu cong truc tuyen", r"^muc/II\.html#II-3$" + _GLOSSARY.format("dvctt-3-4")),
    ("muc dich yeu cau", r"^muc/I\.html(#|$)"),
    ("to chuc thuc hien", r"^muc/III\.html(#|$)"),
    ("noi dung thuc hien", r"^muc/II\.html(#|$)"),
    ("du an dau tu", r"^muc/II\.html#II-5$"),
    ("dân biết, dân bàn", r"^muc/II\.html#II-5$" + _GLOSSARY.format("dan-biet")),
    ("dong bao dan toc thieu so", r"^van-ban/(ct-49-tw|cv-4685-ubnd|ct-03-tu)\.html(#|$)"),
    ("4973/UBND-NCKSTTHC", r"^van-ban/cv-4973-ubnd\.html(#|$)"),
    ("quyet dinh 217", r"^van-ban/qd-217-tw\.html(#|$)"),
    ("phong tong hop quy hoach ke hoach", r"^(don-vi/phong-thqhkh\.html|muc/II\.html#II-5)(#|$)"),
    ("dao duc cong vu", r"^muc/(I\.html|II\.html#II-3)(#|$)"),
]


RESULTS = ".md-search-result__item"


def top_links(page, query: str, n: int = 3) -> list[str]:
    """Site-relative hrefs of the first `n` results a reader sees, in display
    order: each group's page, then the sections Material shows under it
    (sections folded away under "more" are not seen, so not counted)."""
    box = open_search(page)
    box.focus()
    box.fill(query)
    box.press("End")
    page.locator(RESULTS).first.wait_for(timeout=10_000)
    page.wait_for_timeout(150)  # results of the last keystroke
    return page.evaluate(
        """n => {
             const config = document.getElementById('__config');
             const base = new URL((config ? JSON.parse(config.textContent).base : '.') + '/', location.href);
             return [...document.querySelectorAll('.md-search-result__item a')]
               .filter(a => a.checkVisibility())
               .slice(0, n)
               .map(a => {
                 const url = new URL(a.getAttribute('href'), location.href);
                 url.search = '';
                 return url.href.startsWith(base.href) ? url.href.slice(base.href.length) : url.href;
               });
           }""", n)
