"""Readers find, trainers share (issue 13), in Debian's Chromium at desktop and
phone width: sharing buttons, the handout printed, QR codes of a public build,
the 404 page, footnotes, documents on phones."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DESKTOP
from helpers import REPO, QuietHandler, mkdocs_build, playwright_expect, serve, yaml_get

pytestmark = pytest.mark.browser

expect = playwright_expect()

PHONE = {"width": 360, "height": 740}
PUBLIC_URL = "https://sokhdt.example.gov.vn/danvan/"  # no hyphen: pdftotext may break a line there
# The plan's title, its sections and task II.4, read from content/ (not copied: an edit
# of the wording must not break these tests).
CONTENT = REPO / "content"
_PLAN_DOC = yaml_get(CONTENT / "plan.yaml", ("document",))
PLAN_TITLE = (f"{yaml_get(CONTENT / 'documents.yaml', _PLAN_DOC, 'title')} của "
              f"{yaml_get(CONTENT / 'units.yaml', yaml_get(CONTENT / 'documents.yaml', _PLAN_DOC, 'issuer'), 'name')}")
_SECTIONS = yaml_get(CONTENT / "plan.yaml", ("sections",))
SECTIONS = [f"{s['number']}. {s['title']}" for s in _SECTIONS]
NAV_SECTIONS = [f"{s['number']}. {s['title'].capitalize()}" for s in _SECTIONS]  # the navigation's sentence case


@contextlib.contextmanager
def opened(browser, viewport: dict):
    """A page in a fresh context at `viewport` (a phone: touch, mobile)."""
    is_phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, is_mobile=is_phone, has_touch=is_phone, locale="vi-VN")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    with opened(browser, PHONE) as page:
        yield page


@pytest.fixture(scope="session")
def public_site(tmp_path_factory) -> Path:
    """The site as the Pages workflow builds it: public SITE_URL, publishing."""
    out = tmp_path_factory.mktemp("public-site")
    run = mkdocs_build(REPO, out, SITE_URL=PUBLIC_URL, PLANSITE_PUBLISH="1")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "short URLs and QR codes point to" not in run.stderr
    return out


# -----------------------------------------------------------------------------
# 3. Absolute URLs: correct, or a loud stop
# -----------------------------------------------------------------------------


def test_qr_code_of_a_public_build_decodes_to_the_public_short_url(page, public_site):
    import zxingcpp
    from PIL import Image

    svg = (public_site / "qr" / "II-4.svg").read_text(encoding="utf-8")
    page.set_content("<!doctype html><style>body{margin:0;background:#fff}div{display:inline-block;"
                     "padding:24px;background:#fff}svg{width:400px;height:400px}</style><div>" + svg + "</div>")
    png = page.locator("div").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [r.text for r in found] == [PUBLIC_URL + "k/II-4/"]
    html = (public_site / "giang-vien.html").read_text(encoding="utf-8")
    assert "plan-local-url" not in html and PUBLIC_URL + "k/II-4/" in html


def test_publishing_with_a_local_site_url_fails_and_a_local_build_warns(tmp_path):
    run = mkdocs_build(REPO, tmp_path / "publish", PLANSITE_PUBLISH="1")
    assert run.returncode != 0
    assert "not publishing: site_url is http://127.0.0.1:8000/, a local address" in run.stderr
    assert not (tmp_path / "publish" / "index.html").exists()

    run = mkdocs_build(REPO, tmp_path / "local")
    assert run.returncode == 0, run.stderr[-2000:]
    warned = re.findall(r"WARNING - +(\S+): short URLs and QR codes point to http://127\.0\.0\.1:8000/", run.stderr)
    # Every page that carries QR codes (the trainers' handout, the quiz trainers' page…) warns once, no other.
    out = tmp_path / "local"
    carrying_qr = sorted(p.relative_to(out).with_suffix(".md").as_posix() for p in out.rglob("*.html")
                         if 'class="plan-qr"' in p.read_text(encoding="utf-8"))
    assert {"giang-vien.md", "giang-vien/I.md", "giang-vien/II.md", "giang-vien/III.md"} <= set(carrying_qr)
    assert sorted(warned) == carrying_qr


def test_publish_command_and_workflow_refuse_a_local_url():
    script = (REPO / "run.sh").read_text(encoding="utf-8")
    assert re.search(r"publish\)\n(.*\n){0,4}.*PLANSITE_PUBLISH=1", script), "run.sh publish must set PLANSITE_PUBLISH=1"
    import yaml

    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build_step = next(s for s in flow["jobs"]["build"]["steps"] if s.get("run") == "./run.sh build")
    assert build_step["env"]["PLANSITE_PUBLISH"] == "1"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_trainers_page_of_a_local_build_shows_a_visible_notice(browser, site_server, viewport):
    with opened(browser, viewport) as page:
        page.goto(site_server + "giang-vien.html")
        notice = page.locator("article .plan-local-url")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("http://127.0.0.1:8000/")
        expect(notice).to_be_in_viewport()


# -----------------------------------------------------------------------------
# 4. The trainers' handout
# -----------------------------------------------------------------------------


def pdf_pages(page, url: str, tmp_path: Path) -> tuple[int, str]:
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    if not pdfinfo or not pdftotext:
        pytest.fail("pdfinfo/pdftotext missing (apt-get install -y poppler-utils)")
    page.goto(url, wait_until="load")
    pdf = tmp_path / "out.pdf"
    page.pdf(path=str(pdf), format="A4", margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), text


def test_handout_prints_on_at_most_three_a4_pages(page, public_site, tmp_path):
    with serve(public_site) as base:
        pages, text = pdf_pages(page, base + "giang-vien.html", tmp_path)
        assert pages <= 3, f"the handout prints on {pages} A4 pages"
        flat = " ".join(text.split())
        assert flat.count(PLAN_TITLE) == 1, "the plan's title must be printed once"
        for short in ("k/II-4/", "k/I/", "k/ct-33-ttg/", "k/fn-1/"):
            assert PUBLIC_URL + short in text.replace("\n", ""), short
        section_pages, _ = pdf_pages(page, base + "giang-vien/II.html", tmp_path)
        assert section_pages <= 2, f"the section II handout prints on {section_pages} pages"


def test_handout_entries_are_grouped_with_number_first_line_url_citation_qr_and_copy(page, site_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_server + "giang-vien.html")
    groups = [h.replace("¶", "").strip() for h in page.locator("article h2").all_inner_texts()]
    assert groups[:4] == ["Phần căn cứ", *SECTIONS[:3]]
    task = page.locator(".plan-handout-entry[data-cite^='Mục II, nhiệm vụ 4 —']")
    expect(task).to_have_count(1)
    expect(task.locator(".plan-handout-head")).to_contain_text("Mục II, nhiệm vụ 4")
    expect(task.locator(".plan-handout-head")).to_contain_text(
        " ".join(yaml_get(CONTENT / "plan.yaml", "II-4", "title").split()[:5]))
    expect(task.locator("code")).to_have_text(re.compile(r"k/II-4/$"))
    expect(task.locator("img.plan-qr")).to_be_visible()
    assert page.locator("article").inner_text().count(PLAN_TITLE) == 1
    task.hover()
    task.locator(".plan-copy-citation").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"Mục II, nhiệm vụ 4 — {PLAN_TITLE}. {site_server}k/II-4/"
    section = page.get_by_role("link", name="Tài liệu phát tay riêng của Mục II", exact=True)
    section.click()
    expect(page).to_have_url(re.compile(r"giang-vien/II\.html$"))
    assert [h.replace("¶", "").strip() for h in page.locator("article h2").all_inner_texts()] == [SECTIONS[1]]


# -----------------------------------------------------------------------------
# 5. Sharing people can see
# -----------------------------------------------------------------------------


def _text_bottom(page, selector: str) -> float:
    """Bottom of the rendered text of an element (not its padding)."""
    return page.evaluate("""sel => {
        const el = document.querySelector(sel);
        const range = document.createRange();
        range.selectNodeContents(el);
        let bottom = 0;
        for (const r of range.getClientRects()) {
            if (r.width > 0 && !el.querySelector('.plan-copy')?.contains(document.elementFromPoint(r.x + 1, r.y + 1)))
                bottom = Math.max(bottom, r.bottom);
        }
        return bottom;
    }""", selector)


def test_phone_shows_sharing_icons_with_44px_targets_that_cover_no_text(phone, site_server):
    phone.goto(site_server + "muc/II.html")
    bar = phone.locator("[id='II-4'] + .plan-copy")
    expect(bar).to_be_visible()
    assert float(bar.evaluate("e => getComputedStyle(e).opacity")) == 1
    for button in bar.locator("button").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert button.locator("svg").count() == 1
        assert button.get_attribute("aria-label").startswith(("Sao chép", "Chia sẻ"))
    heading_text_bottom = _text_bottom(phone, "[id='II-4']")
    assert bar.bounding_box()["y"] >= heading_text_bottom - 0.5, "the buttons cover the heading's last line"
    inline = phone.locator("[id='II-4-p1'] .plan-copy")
    expect(inline).to_be_visible()


def test_desktop_shows_sharing_on_hover_and_focus_and_confirms_visibly(page, site_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_server + "muc/II.html")
    bar = page.locator("[id='II-4'] + .plan-copy")
    assert float(bar.evaluate("e => getComputedStyle(e).opacity")) == 0
    page.locator("[id='II-4']").hover()
    assert float(bar.evaluate("e => getComputedStyle(e).opacity")) == 1
    assert bar.bounding_box()["y"] >= _text_bottom(page, "[id='II-4']") - 0.5
    page.mouse.move(1, 400)
    bar.locator(".plan-copy-link").focus()
    assert float(bar.evaluate("e => getComputedStyle(e).opacity")) == 1
    page.keyboard.press("Enter")
    note = bar.locator(".plan-copied")
    expect(note).to_be_visible()
    expect(note).to_have_text("Đã sao chép")
    expect(page.locator(".plan-live")).to_have_text("Đã sao chép liên kết")
    assert page.evaluate("navigator.clipboard.readText()") == site_server + "muc/II.html#II-4"
    for button in bar.locator("button").all():
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box


def test_web_share_where_available_and_copy_otherwise(browser, site_server):
    with opened(browser, PHONE) as page:
        page.goto(site_server + "muc/II.html")
        assert page.locator(".plan-copy-share").count() == 0, "no Web Share API here: copy buttons only"
        expect(page.locator("[id='II-4'] + .plan-copy .plan-copy-link")).to_be_visible()
        page.add_init_script("navigator.share = d => { window.__shared = d; return Promise.resolve(); };")
        page.goto(site_server + "muc/II.html")
        share = page.locator("[id='II-4'] + .plan-copy .plan-copy-share")
        expect(share).to_be_visible()
        share.click()
        shared = page.evaluate("window.__shared")
        assert shared["url"] == site_server + "muc/II.html#II-4"
        assert shared["title"].startswith("Mục II, nhiệm vụ 4 — ")


@pytest.mark.parametrize("name", ["constructor", "__proto__", "toString", "hasOwnProperty"])
def test_object_property_names_in_the_hash_are_not_moved_ids(page, site_server, name):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_server + f"muc/II.html#{name}")
    page.wait_for_timeout(300)
    assert page.url == site_server + f"muc/II.html#{name}"
    assert errors == []


# -----------------------------------------------------------------------------
# 7. The 404 page
# -----------------------------------------------------------------------------


class _PagesHandler(QuietHandler):
    """Like GitHub Pages: a missing path gets the site's 404.html, status 404."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def pages_server(built_site):
    with serve(built_site, _PagesHandler) as base:
        yield base


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_404_is_vietnamese_with_search_main_pages_and_short_url_suggestion(browser, pages_server, viewport):
    with opened(browser, viewport) as page:
        response = page.goto(pages_server + "k/II-44/")
        assert response.status == 404
        expect(page.locator("article h1")).to_have_text("Không tìm thấy trang")
        assert "Not found" not in page.locator("article").inner_text()
        suggestion = page.locator(".plan-404-suggest a")
        expect(suggestion).to_have_text("k/II-4/")
        suggestion.click()
        expect(page).to_have_url(re.compile(r"muc/II\.html#II-4$"))

        page.goto(pages_server + "khong-co/trang-nay.html")
        expect(page.locator(".plan-404-suggest")).to_be_hidden()
        links = page.locator(".plan-404-pages a")
        assert NAV_SECTIONS[1] in links.all_inner_texts()
        links.filter(has_text="Văn bản liên quan").click()
        expect(page).to_have_url(re.compile(r"van-ban/index\.html$"))

        page.goto(pages_server + "k/xyz/")
        box = page.locator("#plan-404-q")
        box.fill("tiep cong dan")
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"index\.html\?q=tiep"))
        expect(page.locator(".md-search-result__item").first).to_be_visible()


# -----------------------------------------------------------------------------
# 8. Footnotes at body size and contrast
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_footnote_text_is_body_size_and_colour(browser, site_server, viewport):
    with opened(browser, viewport) as page:
        page.goto(site_server + "muc/II.html")
        body = page.locator("[id='II-4-p1'] p").first.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e).color]")
        note = page.locator("[id='fn-1-p1']").evaluate("e => [getComputedStyle(e).fontSize, getComputedStyle(e).color]")
        assert note == body


# -----------------------------------------------------------------------------
# 6. Document pages: the diagram readable at every width, cards on phones
# -----------------------------------------------------------------------------

_DIAGRAM_FONTS = """() => {
    const svg = document.querySelector('article svg.plan-diagram');
    const scale = svg.getScreenCTM().a;
    return [...svg.querySelectorAll('text')].map(t => scale * parseFloat(t.getAttribute('font-size')));
}"""


@pytest.mark.parametrize("width", [1280, 960, 720])
def test_relation_diagram_text_is_at_least_12px(browser, site_server, width):
    with opened(browser, {"width": width, "height": 800}) as page:
        for doc in ("ct-33-ttg", "cv-4973-ubnd", "qd-217-tw"):
            page.goto(site_server + f"van-ban/{doc}.html")
            expect(page.locator("article svg.plan-diagram")).to_be_visible()
            sizes = page.evaluate(_DIAGRAM_FONTS)
            assert sizes and min(sizes) >= 12, (doc, width, sizes)


def test_phone_shows_the_relations_as_a_list_and_documents_as_cards(phone, site_server):
    phone.goto(site_server + "van-ban/qd-217-tw.html")
    expect(phone.locator("article svg.plan-diagram")).to_be_hidden()
    items = phone.locator("article .plan-diagram-list li")
    expect(items.first).to_be_visible()
    expect(items.first).to_contain_text("Được Kế hoạch dẫn chiếu")
    assert phone.evaluate("getComputedStyle(document.querySelector('.plan-diagram-list li')).fontSize") >= "12px"

    phone.goto(site_server + "van-ban/index.html")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the documents table overflows the phone: {width}px"
    subject = phone.locator("article td[data-label='Trích yếu']").nth(2)
    subject.scroll_into_view_if_needed()
    expect(subject).to_be_in_viewport(ratio=1)
    box = subject.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert "Trích yếu" in subject.evaluate("e => getComputedStyle(e, '::before').content")
