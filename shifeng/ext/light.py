"""Light pages: what a reader's phone downloads and runs for a page, and no more.

Measured with ``make bench`` (see ``scripts/bench.py``); each step below keeps what the
page shows and changes how it gets there.

1. **Icons from a font, not a script.** The theme draws its icons twice over: its CSS
   holds Font Awesome's web-font rules, and it also loads ``fontawesome.js`` (1.5 MB),
   which replaces every icon with an inline SVG at run time. The script is dropped; the
   CSS and the web fonts draw the same icons.
2. **Only the icons the book uses.** Font Awesome's fonts hold some 1,400 icons (the solid
   font alone is 156 KB). After the build, every icon name that a page or a script of the
   book uses is looked up in the theme's CSS, and each font is cut to those glyphs with
   fontTools' subsetter (a few KB).
3. **The search index only where one searches.** The theme's layout loads Sphinx's search
   tools and the whole search index (with Chinese words, the largest file of the book)
   into every page. ``_templates/layout.html`` leaves them to the search page, which
   loads them itself; the search box is a form that opens that page.
4. **Images loaded when needed, without layout shift.** Every ``<img>`` of a page gets
   ``loading="lazy"``, ``decoding="async"`` and its width and height, so the browser
   reserves its space before it arrives (``_static/book.css`` keeps it fluid).

Register it in ``_config.yml`` under ``sphinx: extra_extensions`` as ``shifeng.ext.light``.
"""

from __future__ import annotations

import re
from pathlib import Path

import imagesize

#: the script of the theme that swaps icons for SVG (its CSS already draws them with the font)
ICON_SCRIPT = "scripts/fontawesome.js"
FONT_DIR = Path("_static") / "vendor" / "fontawesome" / "webfonts"
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
#: class names of Font Awesome that are styles and sizes, not icons
NOT_ICONS = {"fa", "fa-solid", "fa-regular", "fa-brands", "fa-classic", "fa-sharp", "fa-fw", "fa-lg", "fa-xs", "fa-sm",
             "fa-2x", "fa-3x", "fa-spin", "fa-pulse", "fa-border", "fa-inverse", "fa-stack", "fa-layers"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*\b")
IMG = re.compile(r"<img\b(?![^>]*\bloading=)([^>]*?)\bsrc=\"([^\"]+)\"([^>]*?)/?>")


def drop_icon_script(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if ICON_SCRIPT not in str(getattr(s, "filename", s) or "")]


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


def subset_fonts(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut each Font Awesome font of the build to the icons used; returns name -> (bytes before, after)."""
    from fontTools import subset

    codes = icon_codepoints((outdir / THEME_CSS).read_text(encoding="utf-8"))
    used = sorted({codes[name] for name in icons_used(outdir) if name in codes})
    sizes = {}
    for path in sorted((outdir / FONT_DIR).glob("*")):
        if path.suffix not in (".woff2", ".ttf"):
            continue
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        font = subset.load_font(str(path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=used)
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


def finish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if any(part.startswith(("_", ".")) for part in page.relative_to(outdir).parts[:-1]):
            continue
        text = page.read_text(encoding="utf-8")
        changed = sized_images(text, page, outdir)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    if (outdir / FONT_DIR).is_dir() and (outdir / THEME_CSS).is_file():
        subset_fonts(outdir)


def setup(app):
    app.connect("html-page-context", drop_icon_script, priority=950)
    # after the other extensions' build-finished steps (default 500): the pages are complete
    app.connect("build-finished", finish, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
