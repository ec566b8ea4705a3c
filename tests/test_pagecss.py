"""A page's own stylesheet (shifeng.pagecss): what it keeps of the book's CSS, and what it drops."""

from __future__ import annotations

from shifeng.pagecss import Stylesheet

PAGE = """<!DOCTYPE html><html><head></head><body>
<div class="highlight"><pre>x = 1</pre></div>
<nav class="bd-links"><a class="reference internal" href="#">1. Context</a></nav>
<p id="intro">Text</p>
</body></html>"""


def rules_for(css: str, page: str = PAGE, scripts: list[str] | None = None, folder: str = ".") -> str:
    return Stylesheet(css, "_static/styles", scripts or []).for_page(page, folder)


def test_a_rule_for_what_the_page_has_is_kept_and_one_for_what_it_lacks_is_dropped():
    kept = rules_for(".highlight pre{color:red}\n.carousel-item{display:none}\n#intro{margin:0}\n#outro{margin:1em}")
    assert ".highlight pre{color:red}" in kept and "#intro{margin:0}" in kept
    assert "carousel-item" not in kept and "#outro" not in kept


def test_a_state_a_pseudo_element_or_a_negation_does_not_hide_a_rule():
    css = ("a.reference:hover{color:blue}\n.bd-links::before{content:''}\n"
           ".highlight:not(.success) pre:focus-visible{outline:0}\nnav a:not(.reference){color:grey}")
    kept = rules_for(css)
    for rule in ("a.reference:hover", ".bd-links::before", ".highlight:not(.success)", "nav a:not(.reference)"):
        assert rule in kept, rule


def test_one_selector_of_a_list_is_enough():
    assert ".modal,.highlight" in rules_for(".modal,.highlight{padding:0}")


def test_what_a_script_writes_is_kept_and_bootstraps_own_words_are_not_read():
    script = 'const b = document.createElement("button"); b.className = "copybtn o-tooltip--left"; b.innerHTML = "<svg></svg>"; b.classList.add("success");'
    css = ("button.copybtn svg{stroke:currentColor}\n.highlight .copybtn.success{color:green}\n"
           ".dropdown-menu.show{display:block}\n.pst-squeeze{width:0}")
    kept = rules_for(css, scripts=[script])
    assert "button.copybtn svg" in kept and ".copybtn.success" in kept
    assert ".pst-squeeze" not in kept  # no script of this page names it
    # .show is what Bootstrap writes, but the page has no dropdown menu
    assert ".dropdown-menu.show" not in kept
    menu = PAGE.replace("<p id", '<div class="dropdown-menu"></div><p id')
    assert ".dropdown-menu.show" in rules_for(css, menu, [script])


def test_both_colour_modes_are_kept():
    kept = rules_for("html[data-theme=dark] .bd-links{color:white}\nhtml[data-mode=light] p{color:black}")
    assert "html[data-theme=dark] .bd-links" in kept and "html[data-mode=light] p" in kept


def test_what_the_browser_writes_when_the_reader_opens_a_details_is_kept():
    """An opened hidden code cell showed both its labels: ``[open]`` is on no element as
    built, and the theme's rule for an open cell was dropped."""
    cell = PAGE.replace("<p id", '<details class="hide"><summary><p class="collapsed">Show</p>'
                                 '<p class="expanded">Hide</p></summary></details><p id')
    css = "details.hide[open]>summary>p.collapsed{display:none}\n.carousel[open]{color:red}"
    kept = rules_for(css, cell)
    assert "details.hide[open]>summary>p.collapsed" in kept
    assert ".carousel" not in kept  # [open] is granted, the other names are still required


def test_at_rules_stay_in_order_and_a_media_block_only_around_kept_rules():
    css = ("@font-face{font-family:X;src:url(../fonts/x.woff2)}\n"
           "@media (max-width:600px){.highlight{margin:0}.carousel{margin:0}}\n"
           "@media print{.carousel{display:none}}\n"
           "p{color:black}\n@keyframes spin{to{transform:rotate(1turn)}}")
    kept = rules_for(css)
    assert kept.index("@font-face") < kept.index("@media (max-width:600px){.highlight{margin:0}}") < kept.index("p{color")
    assert "@media print" not in kept and "carousel" not in kept
    assert "@keyframes spin" in kept


def test_urls_are_rewritten_for_the_pages_folder():
    css = ".highlight{background:url(../vendor/x.svg)}\n.highlight pre{background:url(data:image/png;base64,AA==)}"
    assert "url(../_static/styles/../vendor/x.svg)" in rules_for(css, folder="book")
    assert "url(_static/styles/../vendor/x.svg)" in rules_for(css, folder=".")
    assert "url(data:image/png;base64,AA==)" in rules_for(css, folder="book")


def test_a_custom_property_is_kept_where_something_reads_it_and_dropped_where_nothing_does():
    css = (":root{--gap:1px;--ink:var(--red);--red:#c00;--unread:3px;--js-read:0}\n"
           ".highlight{margin:var(--gap);color:var(--ink)}\n.carousel-item{padding:var(--unread)}\n"
           "html[data-theme=dark]{--only-unread:1}")
    kept = rules_for(css, scripts=['el.style.getPropertyValue("--js-read")'])
    for read in ("--gap:1px", "--ink:var(--red)", "--red:#c00", "--js-read:0"):
        assert read in kept, read  # by a kept rule, through another property, or by a script
    assert "--unread" not in kept, "read only by a rule the page does not keep"
    assert "--only-unread" not in kept and "html[data-theme=dark]" not in kept, "a rule left empty goes"
    page = PAGE.replace('<p id="intro">', '<p id="intro" style="width: var(--unread)">')
    assert "--unread:3px" in rules_for(css, page), "read by the page's own style attribute"
    rebuilt = page.replace("<head>", "<head><style data-rules-of=\"x.css\">.x{a:var(--only-unread)}</style>")
    assert "--only-unread" not in rules_for(css, rebuilt), "the rules an earlier build put in the page read nothing"


def test_a_custom_property_read_only_by_a_fallback_a_media_block_a_linked_sheet_or_bootstrap_is_kept():
    css = (":root{--a:1;--b:2;--c:3;--d:4;--e:5;--unread:6}\n.highlight{width:var(--missing,var(--a))}\n"
           "@media (min-width:10px){#intro{height:var(--b)}}\n.x{--n:1;&:hover{color:red}}")
    kept = Stylesheet(css, "_static/styles", [], readers=[".sd-card{color:var(--c)}", "getPropertyValue('--d')"]).for_page(
        PAGE.replace('<p id="intro">', '<p id="intro" class="x">'), ".")
    for read in ("--a:1", "--b:2", "--c:3", "--d:4"):
        assert read in kept, read
    assert "--unread" not in kept and "--e" not in kept
    assert "&:hover{color:red}" in kept.replace(" ", ""), "a rule with nested rules is kept whole"
