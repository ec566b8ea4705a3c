"""The two editions: the English book in ``_build/html`` and its Chinese twin in ``_build/html/zh``.

One source, two editions, never out of step: every page has its twin and a switch to it;
every message is translated (``make test`` fails on an untranslated or fuzzy one); a
Chinese page names in hanzi every glossary term its English twin links; its glued values
are the same data as the English page's (numbers identical, dates and names written the
Chinese way); charts, tables and maps speak Chinese. The browser, accessibility, link and
search tests of the other files run on the Chinese pages too (``built_page`` holds both
editions' pages).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from shifeng import i18n, toc

pytestmark = pytest.mark.build

ZH = i18n.EDITIONS["zh_CN"]
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def pages_of(root: Path) -> set[str]:
    """The pages of one edition (relative paths), without the other edition's folder."""
    found = set()
    for path in root.rglob("*.html"):
        rel = path.relative_to(root)
        if rel.parts[0] == ZH.folder and root.name != ZH.folder:
            continue
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue
        found.add(rel.as_posix())
    return found


@pytest.fixture(scope="module")
def zh_html(book_html) -> Path:
    root = book_html / ZH.folder
    if not (root / "index.html").is_file():
        pytest.fail(f"no Chinese edition in {root}: `make book` builds it")
    return root


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_text(page: BeautifulSoup) -> str:
    main = page.find("main") or page
    return main.get_text(" ")


# --- twins and the switch ----------------------------------------------------------------


def test_every_page_has_its_twin(book_html, zh_html):
    english, chinese = pages_of(book_html), pages_of(zh_html)
    assert english - chinese == set(), f"pages with no Chinese twin: {sorted(english - chinese)}"
    assert chinese - english == set(), f"Chinese pages with no English twin: {sorted(chinese - english)}"


@pytest.mark.parametrize("docname", toc.docnames())
def test_the_switch_leads_to_the_twin_and_back(docname, book_html, zh_html):
    name = f"{docname}.html"
    for here, there, lang in ((book_html, zh_html, ZH.html_lang), (zh_html, book_html, "en")):
        page = soup(here / name)
        switch = page.select_one("a.shifeng-language-switch")
        assert switch is not None, f"{here / name}: no language switch"
        target = (here / name).parent / switch["href"]
        assert target.resolve() == (there / name).resolve(), f"{here / name}: the switch leads to {switch['href']}"
        assert switch.get("hreflang") == lang and switch.get("lang") == lang
        alternate = page.select_one(f'link[rel="alternate"][hreflang="{lang}"]')
        assert alternate is not None and ((here / name).parent / alternate["href"]).resolve() == (there / name).resolve()


@pytest.mark.parametrize("docname", toc.docnames())
def test_chinese_pages_say_they_are_chinese(docname, zh_html):
    page = soup(zh_html / f"{docname}.html")
    assert page.html.get("lang") == ZH.html_lang, f"{docname}: <html lang={page.html.get('lang')!r}>"
    # the bibliography's entries are the sources' own titles, often English ones; code is code
    for kept in page.select("main div.citation, main dl.citation, main div.cell_input, main pre, main code"):
        kept.decompose()
    text = main_text(page)
    assert len(HAN.findall(text)) > 3 * len(LATIN_WORD.findall(text)), (
        f"{docname}: the Chinese page reads mostly in Latin letters"
    )


def test_search_is_split_into_chinese_words(zh_html):
    import json

    script = (zh_html / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(script[script.index("(") + 1 : script.rindex(")")])["terms"]
    # jieba gives the index words, not whole runs of hanzi: a word of two characters is a key
    for word in ("昊华", "煤气", "党建", "田心"):
        assert word in terms, f"the Chinese search index does not hold the word {word}"


# --- nothing left in English ----------------------------------------------------------------


@pytest.mark.parametrize("iso, english, chinese", [("2018-10-29", "29 October 2018", "2018年10月29日"),
                                                   ("2017-12-09", "9 December 2017", "2017年12月9日"),
                                                   ("2018-10", "October 2018", "2018年10月"), ("2018", "2018", "2018年")])
def test_a_date_reads_as_each_edition_writes_it(iso, english, chinese):
    assert i18n.date_text(iso) == english
    with i18n.language("zh_CN"):
        assert i18n.date_text(iso) == chinese


def test_only_the_english_pdf_sets_its_chinese_punctuation_and_spacing_the_latin_way():
    import yaml

    english = yaml.safe_load((i18n.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    english = english["sphinx"]["config"]["latex_elements"]["preamble"]
    chinese = i18n.edition_config("zh_CN")["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "CJKecglue={}" in english and "xeCJKDeclareCharClass" in english
    assert "CJKecglue" not in chinese and "xeCJKDeclareCharClass" not in chinese and i18n.ENGLISH_ONLY not in chinese
    assert "\\setCJKmainfont" in chinese  # the rest of the preamble stays


def test_no_message_is_untranslated_or_fuzzy():
    problems = i18n.check()
    assert not problems, f"{len(problems)} problem(s), e.g.:\n" + "\n".join(problems[:15]) + (
        "\n(run `make translations`, translate, then `python -m shifeng.i18n check`)")


def test_a_broken_translation_is_reported(tmp_path):
    po = tmp_path / "page.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "The {term}`街区` and {glue:}`blocks` blocks."\nmsgstr "{glue:}`blocks`个街区。"\n\n'
        'msgid "Untouched."\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Changed."\nmsgstr "旧的。"\n',
        encoding="utf-8",
    )
    problems = "\n".join(i18n.check(paths=[po]))
    assert "roles differ" in problems and "untranslated" in problems and "fuzzy" in problems


# --- the glossary's terms in hanzi ---------------------------------------------------------------


def linked_terms(page: BeautifulSoup) -> set[str]:
    """The glossary terms a page links (``{term}`` roles become links to ``glossary.html#term-…``)."""
    terms = set()
    for link in page.select("main a[href*='glossary.html#term-']"):
        terms.add(link.get_text(strip=True))
    return terms


@pytest.mark.parametrize("docname", [d for d in toc.docnames() if d != "book/glossary"])
def test_every_term_the_english_links_is_named_in_hanzi(docname, book_html, zh_html):
    from shifeng.data import load

    hanzi = set(load("glossary")["hanzi"])
    english = soup(book_html / f"{docname}.html")
    wanted = {t for t in linked_terms(english) if t in hanzi}
    text = main_text(soup(zh_html / f"{docname}.html"))
    missing = sorted(t for t in wanted if t not in text)
    assert not missing, f"{docname}: glossary terms of the English page missing in hanzi: {missing}"


def test_the_chinese_glossary_keeps_hanzi_pinyin_and_english_in_pinyin_order(book_html, zh_html):
    from shifeng.data import load
    from shifeng.glossary import sort_key

    page = soup(zh_html / "book/glossary.html")
    terms = [dt.get_text(" ", strip=True).rstrip("#¶ ").strip() for dt in page.select("main dl.glossary dt")]
    glossary = load("glossary").set_index("hanzi")
    assert sorted(terms) == sorted(glossary.index), "the Chinese glossary's terms differ from data/glossary.csv"
    keys = [sort_key(glossary.loc[t, "pinyin"]) for t in terms]
    assert keys == sorted(keys), "the Chinese glossary is not in pinyin order"
    for dd, term in zip(page.select("main dl.glossary dd"), terms):
        text = dd.get_text(" ").replace("\u2019", "'")  # Sphinx's smart quotes
        assert glossary.loc[term, "english"].split()[0] in text, f"{term}: its English rendering is missing"
        assert HAN.search(text), f"{term}: its definition is not in Chinese"


# --- the same data ------------------------------------------------------------------------------

NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def glued(page: Path) -> list[str]:
    return [s.get_text() for s in soup(page).select("main span.output.text_plain")]


@pytest.mark.parametrize("docname", toc.docnames())
def test_glued_values_are_the_same_data(docname, book_html, zh_html):
    english, chinese = glued(book_html / f"{docname}.html"), glued(zh_html / f"{docname}.html")
    assert len(chinese) == len(english), f"{docname}: {len(english)} glued values in English, {len(chinese)} in Chinese"
    numbers_en = sorted(v for v in english if NUMBER.match(v))
    numbers_zh = sorted(v for v in chinese if NUMBER.match(v))
    assert numbers_zh == numbers_en, f"{docname}: the glued numbers differ between the editions"
    words = [v for v in chinese if not NUMBER.match(v) and LATIN_WORD.search(v)]
    assert not words, f"{docname}: glued values in English on the Chinese page: {words}"


# --- charts, tables and maps in Chinese -------------------------------------------------------------


@pytest.mark.parametrize("docname", toc.docnames())
def test_tables_figures_and_maps_are_in_chinese(docname, zh_html):
    page = soup(zh_html / f"{docname}.html")
    problems = []
    for table in page.select("main table.data-table"):
        for th in table.select("thead th"):
            head = th.get_text(" ", strip=True)
            if head and LATIN_WORD.search(head) and not HAN.search(head):
                problems.append(f"table header {head!r}")
        caption = table.find("caption")
        if caption and LATIN_WORD.search(caption.get_text()) and not HAN.search(caption.get_text()):
            problems.append(f"table caption {caption.get_text(strip=True)!r}")
    for img in page.select("main figure img, main img[alt]"):
        alt = img.get("alt", "")
        if alt and not HAN.search(alt):
            problems.append(f"image alt {alt[:60]!r}")
    for frame in page.select("main iframe"):
        if not HAN.search(frame.get("title", "")):
            problems.append(f"map title {frame.get('title', '')[:60]!r}")
    for caption in page.select("main figcaption"):
        if LATIN_WORD.search(caption.get_text()) and not HAN.search(caption.get_text()):
            problems.append(f"figure caption {caption.get_text(strip=True)[:60]!r}")
    assert not problems, f"{docname}: " + "; ".join(problems)


def test_a_chart_and_a_map_speak_chinese():
    from shifeng import charts
    from shifeng.maps import leaflet, spec

    with i18n.language("zh_CN"):
        figure = charts.funding_structure()
        texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text") and a.get_gid())]
        legend = leaflet.legend_html(spec.overview_spec(spec.MapData.load()))
    title = next(t for t in texts if t)
    assert HAN.search(title) and not LATIN_WORD.search(title), f"the chart's title: {title!r}"
    assert "图例" in legend and "Legend" not in legend
