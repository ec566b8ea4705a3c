"""``python -m shifeng.fonts``: stop the build before any notebook runs if it cannot draw Chinese.

Every chart and static map labels places and bodies in Chinese with one font,
:data:`shifeng.style.CJK_FONT`. Without it matplotlib falls back to DejaVu Sans and
draws every Chinese character as an empty box, with only a log line on stderr. This
check finds the font the way matplotlib will (its font list) and tries it on Chinese
text; when the font is on the system but missing from matplotlib's cached font list
(a cache written before the font was installed), it rebuilds that cache.

:func:`require` is the same check for code that draws: :func:`shifeng.style.context`
calls it, so a figure drawn anywhere (a notebook kernel, a test) fails on a missing
font with the same message instead of drawing boxes.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

#: font family -> the Debian package that provides it: what the book's build draws with
REQUIRED = {"Noto Sans CJK SC": "fonts-noto-cjk"}
#: the Chinese faces a reader's notebook may draw with instead (book.mplstyle lists them too)
READER_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei"]
#: characters the check draws: a few of the report's words, and full-width punctuation
SAMPLE = "石峰区美丽社区街区党建井墈湘天桥“”、。"
INSTALL = "sudo bash scripts/install-system-deps.sh build"


class FontMissing(RuntimeError):
    """A font the book draws with is missing or cannot draw its text; the message says how to fix it."""


def cache_file() -> Path:
    """matplotlib's cached font list (``fontlist-v<version>.json`` in its cache folder)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    # the name matplotlib's own loader (font_manager._load_fontmanager) reads and writes
    return Path(mpl.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")


def entries(family: str, manager=None) -> list:
    """The font-list entries matplotlib would use for ``family`` (none when it cannot find it)."""
    from matplotlib import font_manager

    manager = manager or font_manager.fontManager
    return [entry for entry in manager.ttflist if entry.name == family]


def missing_glyphs(entry, text: str = SAMPLE) -> str:
    """The characters of ``text`` that the font of ``entry`` has no glyph for."""
    from matplotlib import ft2font

    font = ft2font.FT2Font(entry.fname, face_index=getattr(entry, "index", 0))
    return "".join(ch for ch in dict.fromkeys(text) if font.get_char_index(ord(ch)) == 0)


def problem(family: str, package: str, manager=None) -> str | None:
    """What is wrong with ``family`` for matplotlib, or None when it draws the sample text."""
    found = entries(family, manager)
    if not found:
        return (
            f"matplotlib cannot find the font '{family}', which every chart and static map of the book "
            f"needs to draw Chinese (without it they show empty boxes). It comes with the Debian package "
            f"{package}: install it with `{INSTALL}` (or `sudo apt-get install {package}`), then run "
            f"the command again."
        )
    regular = next((e for e in found if e.weight in ("normal", 400)), found[0])
    lacking = missing_glyphs(regular)
    if lacking:
        return (
            f"the font '{family}' ({regular.fname}) has no glyph for {lacking!r}: the charts would show "
            f"empty boxes. Reinstall the Debian package {package} (`sudo apt-get install --reinstall {package}`)."
        )
    return None


def check(rebuild_stale_cache: bool = True, say=print) -> None:
    """Raise :class:`FontMissing` unless matplotlib can draw the book's Chinese text.

    When a required font is installed but absent from matplotlib's cached font list,
    the cache is rebuilt (and saved, so notebook kernels started later read it).
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    for family, package in REQUIRED.items():
        if not entries(family, manager) and rebuild_stale_cache:
            # Not in the cached list: scan the system's fonts again (a few seconds). If
            # the scan finds the font, the cache predates its installation: keep the scan.
            fresh = font_manager.FontManager()
            if entries(family, fresh):
                say(f"matplotlib's font list {cache_file()} did not list '{family}', which is installed: rebuilt it")
                font_manager.json_dump(fresh, cache_file())
                font_manager.fontManager = manager = fresh
        found = problem(family, package, manager)
        if found:
            raise FontMissing(found)


@cache
def require() -> None:
    """:func:`check` once per process, without touching the cache (for code that draws).

    The book's build draws with Noto Sans CJK SC and nothing else. A reader's notebook
    (outside the build) may draw with any Chinese face of :data:`READER_FAMILIES`.
    """
    from shifeng import runtime

    if runtime.in_book_build():
        check(rebuild_stale_cache=False)
        return
    if any(problem(family, "") is None for family in READER_FAMILIES):
        return
    raise FontMissing(
        "matplotlib finds none of the Chinese fonts the charts and maps can draw with "
        f"({', '.join(READER_FAMILIES)}); without one they would show empty boxes. Install one: on "
        "Debian or Ubuntu `sudo apt-get install fonts-noto-cjk`; on macOS and Windows PingFang SC and "
        "Microsoft YaHei come with the system. Then restart the notebook's kernel."
    )


def main() -> int:
    try:
        check()
    except FontMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
