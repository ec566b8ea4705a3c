"""The book's one chart style: CJK-capable font, colour-blind-safe colours, print sizes.

Every chart of :mod:`shifeng.charts` and every print map is drawn inside
:func:`context`, which applies the style sheet ``book.mplstyle`` (beside this module)
without leaking it into other code. :func:`png_bytes` renders a figure the same way every time (same input,
same bytes): fixed DPI, no ``Software`` stamp, no date.

- Font: Noto Sans CJK SC (Debian ``fonts-noto-cjk``) covers Chinese *and* Latin, so
  Chinese and English labels share one face; DejaVu Sans is the fallback for the
  few symbols Noto lacks.
- Colours: the Okabe–Ito palette, which readers with the common colour-vision
  deficiencies can tell apart; meaning is never carried by colour alone (labels,
  line styles and fills repeat it).
- Sizes: figures are drawn 8 in wide, the width of the book's text column, so
  9–12 pt type stays 9–12 pt on screen and about 7–10 pt in the printed book.
- Background: opaque white, so a chart stays readable in the theme's dark mode
  (the theme dims images slightly and puts them on white; a transparent chart
  would put dark text on a dark page).
"""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl

#: the CJK font every chart uses (Debian package ``fonts-noto-cjk``)
CJK_FONT = "Noto Sans CJK SC"

#: Okabe–Ito colour-blind-safe palette, by name
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

INK = "#1a1a1a"  #: text and outlines (near-black)
MUTED = "#555555"  #: secondary text, still > 7:1 contrast on white
RULE = "#9a9a9a"  #: hairlines and grid
PAPER = "#ffffff"  #: figure background (opaque, for dark mode)
PALE = "#f2f2f2"  #: neutral box fill

#: colours with a fixed meaning across the book
COLOURS = {
    # the three programme lines
    "living_environment": OKABE_ITO["green"],
    "grassroots_governance": OKABE_ITO["blue"],
    "public_services": OKABE_ITO["orange"],
    # progress states: done / under way / planned
    "done": OKABE_ITO["blue"],
    "under_way": OKABE_ITO["orange"],
    "planned": OKABE_ITO["sky_blue"],
    # limits (the debt red line) and warnings
    "limit": OKABE_ITO["vermillion"],
    "party": OKABE_ITO["vermillion"],
    "neutral": PALE,
}

#: figure width in inches: the book's text column
WIDTH = 8.0
#: pixels per inch of the PNG: 1200 px across, sharp on screen and in print (about
#: 200 dpi at the PDF's text width)
DPI = 150
#: colours kept in the PNG palette: charts and static maps are flat colour and text, so
#: a 64-colour palette looks the same and weighs about a third of full colour
PALETTE_COLOURS = 64

#: the style sheet every chart and static map is drawn with
STYLE_SHEET = Path(__file__).with_name("book.mplstyle")
#: the order of the colour cycle: blue, orange, green, vermillion, purple, sky blue, yellow, black
CYCLE = ["blue", "orange", "green", "vermillion", "purple", "sky_blue", "yellow", "black"]
#: what the style sheet leaves to these constants (set on top of it by :func:`context`):
#: text and outlines near-black, hairlines grey, the Okabe-Ito cycle, an opaque white
#: background (a chart stays readable in the theme's dark mode) and the PNG's dpi
RC = {
    "text.color": INK, "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "axes.edgecolor": RULE,
    "axes.prop_cycle": mpl.cycler(color=[OKABE_ITO[name] for name in CYCLE]),
    "figure.facecolor": PAPER, "axes.facecolor": PAPER, "savefig.facecolor": PAPER, "savefig.dpi": DPI,
}


#: what matplotlib warns when a font has no glyph for a character it then draws as a box
MISSING_GLYPH = r"Glyph \d+ .* missing from font"


@contextmanager
def context():
    """Draw inside the book's chart style without changing the global settings.

    The CJK font must be there (:func:`shifeng.fonts.require`, with a message that says
    how to install it), and a character no font can draw is an error, not a warning:
    a figure of the book never shows an empty box.
    """
    from shifeng import fonts

    fonts.require()
    with mpl.rc_context(rc=RC, fname=STYLE_SHEET), warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        yield


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """The figure as PNG, byte-for-byte the same for the same figure.

    Opaque white background, fixed DPI, no ``Software`` (matplotlib version) stamp,
    reduced to a fixed palette (Pillow's median cut is deterministic) to keep pages light.
    """
    from PIL import Image

    buffer = io.BytesIO()
    with context():
        fig.savefig(
            buffer,
            format="png",
            dpi=dpi,
            facecolor=PAPER,
            edgecolor="none",
            transparent=False,
            metadata={"Software": None},
        )
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    palette = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small = io.BytesIO()
    palette.save(small, format="PNG", optimize=True)
    return small.getvalue()
