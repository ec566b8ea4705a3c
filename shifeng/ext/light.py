"""Light pages: what a reader's phone downloads and runs for a page, and no more.

Measured with ``make bench`` (see ``scripts/bench.py``); each step below keeps what the
page shows and changes how it gets there.

1. **Icons from a font, not a script.** The theme draws its icons twice over: its CSS
   holds Font Awesome's web-font rules, and it also loads ``fontawesome.js`` (1.5 MB),
   which replaces every icon with an inline SVG at run time. ``_templates/layout.html``
   drops the script; the CSS and the web fonts draw the same icons.
2. **Only the icons the book uses.** Font Awesome's fonts hold some 1,400 icons (the solid
   font alone is 156 KB). After the build, every icon name that a page or a script of the
   book uses is looked up in the theme's CSS, and each font is cut to those glyphs with
   fontTools' subsetter (a few KB). The glyphs the theme's stylesheet draws itself (an
   admonition's title, a link to GitHub: its ``--pst-icon-*`` characters) are kept too.
3. **The search index only where one searches.** The theme's layout loads Sphinx's search
   tools and the whole search index (with Chinese words, the largest file of the book)
   into every page. ``_templates/layout.html`` leaves them to the search page, which
   loads them itself; the search box is a form that opens that page.
4. **Images loaded when needed, without layout shift.** Every ``<img>`` of a page gets
   ``loading="lazy"``, ``decoding="async"`` and its width and height, so the browser
   reserves its space before it arrives (``_static/book.css`` keeps it fluid).
5. **Scripts that do not hold up the first paint.** Every script file of a page but one is
   ``defer``: it runs, in order, once the page is parsed, instead of stopping the parser
   in the ``<head>``. The one left, ``documentation_options.js`` (300 bytes of settings the
   page's inline scripts read at once), is put in the page itself after the build: as a
   file, it stopped the parser for a round trip to the server (some 250 ms of a phone's
   first paint on a slow network, measured), and no page loads it now.
6. **Nothing a page does not use.** Jupyter Book loads sphinx-thebe (live code cells,
   which the book does not offer) and sphinx-design (tabs, cards, which a page may not
   use) into every page: thebe's files are dropped, sphinx-design's kept only on a page
   whose body uses one of its components (``sd-`` classes). The theme's CSS carries a rule
   for each of Font Awesome's icons: only the rules of the icons the book uses are kept.
7. **Each page's stylesheet in the page.** A page asked for ten stylesheets (400 KB, 60 KB
   after gzip: Bootstrap, the theme, the extensions), and the browser waited for all of
   them before the first paint, then matched all their rules against every element. Now
   the stylesheets every page uses are joined, in their order, into
   ``_static/styles/book-bundle.css`` (the ``@import`` of ``theme.css`` resolved), and each
   page gets, in a ``<style>`` in its head instead of the link to that file, the rules of
   it that the page can use (:mod:`shifeng.pagecss`: matched against the page in both
   colour modes, with states and what the scripts write set aside). The first paint then
   waits for the page alone. No page loads the bundle: it is the whole stylesheet, which
   ``tests/test_light.py`` compares the pages' own against in a browser.

8. **Nothing served that no page loads.** The theme ships Font Awesome's script (dropped
   by step 1) and a source map beside each of its scripts and stylesheets (4.8 MB in all,
   for a developer's browser tools): they are deleted from the build, and the
   ``sourceMappingURL`` comments that named the maps with them.

9. **Bootstrap when the reader acts.** Bootstrap's script (81 KB) runs the header's download
   menu, the tooltips and the back-to-top button: nothing a reader sees before acting.
   Evaluated while the page loaded, it held up a throttled phone's main thread for
   70-230 ms. ``_templates/layout.html`` loads it at the reader's first pointer, key, touch
   or wheel (with which a reader's scroll starts); a click on the menu that comes before it opens the menu once
   Bootstrap is there.

A change to a file of ``html_static_path`` (``_static/book.css``, say) makes every page
out of date (:func:`static_changed`). Sphinx itself looks only at the sources and the
templates: with nothing else changed, it wrote no page and copied no static file, so a
page kept the rules of the old stylesheet.

Register it in ``_config.yml`` under ``sphinx: extra_extensions`` as ``shifeng.ext.light``.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import imagesize

from shifeng import pagecss

FONT_DIR = Path("_static") / "vendor" / "fontawesome" / "webfonts"
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
#: class names of Font Awesome that are styles and sizes, not icons
NOT_ICONS = {"fa", "fa-solid", "fa-regular", "fa-brands", "fa-classic", "fa-sharp", "fa-fw", "fa-lg", "fa-xs", "fa-sm",
             "fa-2x", "fa-3x", "fa-spin", "fa-pulse", "fa-border", "fa-inverse", "fa-stack", "fa-layers"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*\b")
#: Unicode's private use area, where Font Awesome puts its icons
PRIVATE_USE = (0xE000, 0xF8FF)
#: where a page's own rules go: the template's link to the bundle or, in a page an earlier
#: build wrote and this one did not rewrite, the rules put there then (the CSS may have changed)
BUNDLE_LINK = re.compile(r'<link href="[^"]*book-bundle\.css" rel="stylesheet" />|<style data-rules-of="[^"]*">.*?</style>', re.S)
IMG = re.compile(r"<img\b(?![^>]*\bloading=)([^>]*?)\bsrc=\"([^\"]+)\"([^>]*?)/?>")


#: files extensions add to every page that no page of the book uses; sphinx-design's are kept
#: where a page uses one of its components
UNUSED = ("sphinx-thebe.css", "sphinx-thebe.js")
DESIGN = ("sphinx-design.min.css", "design-tabs.js")
#: the stylesheets every page uses, joined into one (in page order, after the theme's two)
BUNDLE = Path("_static") / "styles" / "book-bundle.css"
THEME_FIRST = [Path("_static") / "basic.css", THEME_CSS]  # theme.css is only @import "../basic.css"
BUNDLED = ("pygments.css", "sphinx-book-theme.css", "togglebutton.css", "copybutton.css", "exercise.css", "book.css")


def _bundled(filename: str) -> bool:
    name = filename.split("?")[0].rsplit("/", 1)[-1]
    return name in BUNDLED or (name.startswith("mystnb.") and name.endswith(".css"))


#: script files that inline scripts of the page use as soon as they run
KEEP_BLOCKING = ("_static/documentation_options.js",)
#: searchtools.js, which the theme's search page loads without ``defer``, calls ``_ready``
#: (doctools.js) and highlighting (sphinx_highlight.js) as soon as it runs
SEARCH_NEEDS = ("_static/doctools.js", "_static/sphinx_highlight.js")


def _name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def trim_assets(app, pagename, templatename, context, doctree) -> None:
    """Drop thebe (and sphinx-design where unused) from the page, and defer its script files."""
    uses_design = 'class="sd-' in context.get("body", "")
    drop = UNUSED + (() if uses_design else DESIGN)
    for key in ("css_files", "script_files"):
        if context.get(key):
            context[key] = [a for a in context[key] if not _name(a).split("?")[0].endswith(drop)]
    # the bundle stands for these: remember their order (the same on every page), then drop them
    members = [_name(a).split("?")[0] for a in context.get("css_files") or [] if _bundled(_name(a))]
    if members:
        app.env.shifeng_bundle_members = members
    context["css_files"] = [a for a in context.get("css_files") or [] if not _bundled(_name(a))]
    context["shifeng_bundle"] = BUNDLE.as_posix()
    # documentation_options.js stays: the page's inline scripts set DOCUMENTATION_OPTIONS at once;
    # on the search page, so do the scripts the theme's (blocking) searchtools.js calls at once
    blocking = KEEP_BLOCKING + (SEARCH_NEEDS if pagename == "search" else ())
    context["script_files"] = [_deferred(script, blocking) for script in context.get("script_files") or []]


def _deferred(script, blocking: tuple[str, ...]):
    """``script`` with ``defer``, as a new object: the builder shares one object across all pages."""
    attributes = getattr(script, "attributes", None)
    if attributes is None or not script.filename or "async" in attributes or "defer" in attributes:
        return script
    if str(script.filename).startswith(blocking):
        return script
    return type(script)(script.filename, priority=script.priority, **{**attributes, "defer": "defer"})


def icon_codepoints(css: str) -> dict[str, int]:
    """Icon name (``fa-bars``) -> its codepoint, from the theme's CSS."""
    found = {}
    for selectors, code in ICON_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors):
            found[name] = int(code, 16)
    return found


def icons_used(outdir: Path) -> set[str]:
    """Every Font Awesome icon name in the built pages and in the scripts they load."""
    names = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        if "fontawesome" in path.name:
            continue
        names |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names - NOT_ICONS


def trim_icon_rules(outdir: Path) -> tuple[int, int]:
    """Keep in the theme's CSS only the icon rules of the icons the book uses; returns (bytes before, after)."""
    path = outdir / THEME_CSS
    css = path.read_text(encoding="utf-8")
    used = icons_used(outdir)

    def keep(match):
        names = re.findall(r"\.(fa-[a-z0-9-]+):before", match.group(1))
        return match.group(0) if used.intersection(names) else ""

    trimmed = ICON_RULE.sub(keep, css)
    path.write_text(trimmed, encoding="utf-8")
    return len(css.encode()), len(trimmed.encode())


def drawn_by_stylesheet(css: str) -> set[int]:
    """The icon characters (Unicode's private use area) a stylesheet writes as themselves.

    The theme draws some icons from its CSS alone, with no Font Awesome class in the page:
    the character of ``--pst-icon-lightbulb`` (U+F0EB) after a tip's title, that of
    ``--pst-icon-github`` before every link to GitHub. Font Awesome's own icon rules write
    their characters as CSS escapes, which this does not read: :func:`icons_used` decides those."""
    return {ord(char) for char in css if PRIVATE_USE[0] <= ord(char) <= PRIVATE_USE[1]}


def subset_fonts(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut each Font Awesome font of the build to the icons used; returns name -> (bytes before, after)."""
    import logging

    from fontTools import subset

    # the subsetter reports each step at INFO, which the build's log would print
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    theme_css = (outdir / THEME_CSS).read_text(encoding="utf-8")
    codes = icon_codepoints(theme_css)
    used = {codes[name] for name in icons_used(outdir) if name in codes} | drawn_by_stylesheet(theme_css)
    sizes = {}
    for path in sorted((outdir / FONT_DIR).glob("*")):
        if path.suffix not in (".woff2", ".ttf"):
            continue
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        font = subset.load_font(str(path), options)
        subsetter = subset.Subsetter(options)
        mapped = set(font.getBestCmap())
        # a font with no character mapped is one the browser refuses ("OTS parsing error: cmap"):
        # one that draws nothing the book uses keeps its first character
        subsetter.populate(unicodes=sorted(mapped & used) or [min(mapped)])
        subsetter.subset(font)
        before = path.stat().st_size
        subset.save_font(font, str(path), options)
        sizes[path.name] = (before, path.stat().st_size)
    return sizes


def sized_images(html: str, page: Path, outdir: Path) -> str:
    """Every ``<img>`` of a page, lazy, with the width and height of its file."""

    def add(match):
        before, src, after = match.groups()
        target = (page.parent / src).resolve()
        attrs = ' loading="lazy" decoding="async"'
        if target.is_file() and target.is_relative_to(outdir.resolve()) and not re.search(r"\b(width|height)=", before + after):
            width, height = imagesize.get(str(target))
            if width > 0 and height > 0:
                attrs += f' width="{width}" height="{height}"'
        return f'<img{before}src="{src}"{after}{attrs} />'

    return IMG.sub(add, html)


def write_bundle(app, outdir: Path) -> str:
    """Join the theme's stylesheets and the pages' own into one file; returns its text."""
    members = getattr(app.env, "shifeng_bundle_members", None) or []
    parts = []
    for path in [*THEME_FIRST, *(Path(m) for m in members)]:
        css = (outdir / path).read_text(encoding="utf-8")
        if path.parent != BUNDLE.parent:  # url(...) relative to the file's own folder, now _static/styles/
            css = pagecss.relocate(css, "../")
        parts.append(f"/* {path.as_posix()} */\n{css}")
    text = "\n".join(parts)
    (outdir / BUNDLE).write_text(text, encoding="utf-8")
    return text


def book_scripts(outdir: Path) -> list[str]:
    """The text of the script files the pages may load, less Bootstrap's (see :mod:`shifeng.pagecss`)."""
    skip = ("bootstrap.js", "fontawesome.js")
    return [path.read_text(encoding="utf-8", errors="ignore") for path in sorted((outdir / "_static").rglob("*.js"))
            if not path.name.endswith(skip)]


def custom_property_readers(outdir: Path) -> list[str]:
    """The text of what may read a custom property of the bundle but is not in it: every
    script (Bootstrap's too) and the stylesheets a page links beside its own rules."""
    linked = [path for path in (outdir / "_static").rglob("*.css") if path.name in DESIGN]
    return [path.read_text(encoding="utf-8", errors="ignore") for path in [*(outdir / "_static").rglob("*.js"), *linked]]


def inline_styles(pages: list[Path], outdir: Path, css: str) -> None:
    """Put each page's own rules of ``css`` in its head, in place of the link to the bundle
    (or of the rules an earlier build put there)."""
    sheet = pagecss.Stylesheet(css, BUNDLE.parent.as_posix(), book_scripts(outdir), custom_property_readers(outdir))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        link = BUNDLE_LINK.search(text)
        if link is None:
            raise RuntimeError(f"{page.relative_to(outdir)}: no link to {BUNDLE.as_posix()} in its head; "
                               "_templates/layout.html writes it, and shifeng.ext.light replaces it with the page's own rules")
        folder = page.parent.relative_to(outdir).as_posix() or "."
        own = sheet.for_page(text, folder)
        source = Path(os.path.relpath(outdir / BUNDLE, page.parent)).as_posix()
        page.write_text(f'{text[:link.start()]}<style data-rules-of="{source}">\n{own}\n</style>{text[link.end():]}', encoding="utf-8")


#: the one script file a page loads before its first paint (see step 5), or, in a page an
#: earlier build wrote and this one did not rewrite, the settings put there then
OPTIONS_SCRIPT = re.compile(r'<script src="[^"]*_static/documentation_options\.js(?:\?[^"]*)?"></script>'
                            r'|<script data-inlined-from="[^"]*documentation_options\.js">.*?</script>', re.S)


def inline_options(pages: list[Path], outdir: Path) -> None:
    """Put ``documentation_options.js`` in each page, where the page loaded it."""
    script = (outdir / "_static" / "documentation_options.js").read_text(encoding="utf-8").strip()
    if "</" in script:
        raise RuntimeError("_static/documentation_options.js holds '</': it cannot stand inside a <script> of the page")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        tags = OPTIONS_SCRIPT.findall(text)
        if len(tags) != 1:
            raise RuntimeError(f"{page.relative_to(outdir)}: {len(tags)} scripts documentation_options.js, not one; "
                               "shifeng.ext.light puts that file's settings in the page in its place")
        source = Path(os.path.relpath(outdir / "_static" / "documentation_options.js", page.parent)).as_posix()
        inline = f'<script data-inlined-from="{source}">\n{script}\n</script>'
        page.write_text(text.replace(tags[0], inline), encoding="utf-8")


SOURCE_MAP_COMMENT = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def drop_unloaded(outdir: Path) -> list[str]:
    """Delete the source maps and Font Awesome's script from the build; returns what was deleted."""
    static = outdir / "_static"
    gone = [*static.rglob("*.map"), *static.rglob("fontawesome.js")]
    for path in gone:
        path.unlink()
    for path in [*static.rglob("*.js"), *static.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        trimmed = SOURCE_MAP_COMMENT.sub("", text)
        if trimmed != text:
            path.write_text(trimmed, encoding="utf-8", errors="surrogateescape")
    return sorted(path.relative_to(outdir).as_posix() for path in gone)


def static_fingerprint(app) -> str:
    """A hash of every file under the book's ``html_static_path`` (names and contents)."""
    digest = hashlib.sha256()
    for entry in app.config.html_static_path:
        root = Path(app.confdir, entry)
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file():
                digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def static_changed(app, env, added, changed, removed) -> list[str]:
    """Every page, when a static file changed since the last build (each page carries the
    rules of the stylesheets in it); none otherwise."""
    fingerprint = static_fingerprint(app)
    if getattr(env, "shifeng_static_fingerprint", None) == fingerprint:
        return []
    env.shifeng_static_fingerprint = fingerprint  # pickled with the environment, after a good read
    return sorted(env.found_docs - added - changed)


def finish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if getattr(app.env, "shifeng_bundle_members", None) is None:
        # no page was written (a rebuild with nothing out of date): the output is as the last
        # build left it, and the stylesheets' order, learnt while writing pages, is unknown
        return
    outdir = Path(app.outdir)
    # the pages this build wrote (not another edition's copied beside them, nor the maps' frames)
    names = sorted({*app.env.found_docs, "genindex", "search"})
    pages = [path for path in (Path(app.builder.get_outfilename(name)) for name in names) if path.is_file()]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        changed = sized_images(text, page, outdir)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    if (outdir / FONT_DIR).is_dir() and (outdir / THEME_CSS).is_file():
        subset_fonts(outdir)  # first: it reads every icon's codepoint from the whole CSS
        trim_icon_rules(outdir)
        inline_styles(pages, outdir, write_bundle(app, outdir))
    inline_options(pages, outdir)
    drop_unloaded(outdir)


def setup(app):
    app.connect("env-get-outdated", static_changed)
    app.connect("html-page-context", trim_assets, priority=960)
    # after the other extensions' build-finished steps (default 500): the pages are complete
    app.connect("build-finished", finish, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
