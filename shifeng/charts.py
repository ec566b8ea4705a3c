"""The book's charts, each drawn from ``data/`` in the book's one style.

Every function returns a :class:`matplotlib.figure.Figure` built from
:func:`shifeng.data.load`; none holds a value of its own, and each takes an
optional ``data_dir`` so a test can draw from a modified copy of the data.
Labels, statuses and notes are wording; every count, name and order comes from the
data. In a page, show a chart as a numbered, captioned figure with alt text::

    from shifeng import charts
    charts.glue_figure("fig-projects", charts.projects_by_line())

and then a ``{glue:figure} fig-projects`` directive with ``:alt:`` and ``:name:``.

Most charts are drawn on a :class:`_Canvas`: a full-figure axes measured in
inches from the top-left corner, on which boxes, text, arrows and bars are placed
with their text wrapped to measured widths. Every box, bar and arrow carries a
``gid`` (``node:…``, ``bar:…``, ``edge:…``) and the text inside a box carries the
box's gid plus ``:text``, so tests can check sizes and that text fits.
"""

from __future__ import annotations

import base64
import unicodedata
from functools import cache

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from shifeng import data, fonts, i18n, style
from shifeng.style import COLOURS, INK, MUTED, OKABE_ITO, PALE, PAPER, RULE, WIDTH

__all__ = [
    "funding_structure",
    "priority_screen",
    "projects_by_line",
    "staff_posted",
    "owners_committees",
    "pollution_actions",
    "blocks_comparison",
    "timeline",
    "organisation_diagram",
    "glue_figure",
    "ChartImage",
    "CHARTS",
]

# --------------------------------------------------------------------------- wording
# Labels for the coded values of the data: the English words are the data package's
# (``shifeng:labels``, one rendering for tables, charts and maps); a chart adds the report's
# own words beside them.


def _worded(table: str, field: str, report_words: dict[str, str]) -> dict[str, tuple[str, str]]:
    """code -> (the report's words, the label), in the enum's order."""
    labels = data.labels(table, field)
    unknown = set(report_words) - set(labels)
    if unknown:
        raise KeyError(f"{table}.{field} has no value {', '.join(sorted(unknown))} (data/datapackage.json)")
    return {code: (report_words.get(code, ""), label) for code, label in labels.items()}


COMMITTEE_STATUS = _worded("owners_committees", "status", {
    "election_completed": "业委会选举工作全部完成",
    "new_property_company_selected": "已选聘新物业公司",
    "candidate_election_in_progress": "正在加快推进业委会候选人选举",
})
#: the statuses the book codes from the report's verbs (block_works.verb_zh holds each verb)
WORK_STATUS = _worded("block_works", "status", {"planned": "规划"})
POLLUTION_STATUS = _worded("pollution_actions", "status", {"pushed": "重点推进了", "actively_pushing": "积极推进"})
PRECISION_NOTE = {
    "day": "",
    "month": i18n.N_("month only"),
    "season": i18n.N_("season only"),
    "year": i18n.N_("year only"),
    "derived": i18n.N_("derived date"),
}

# --------------------------------------------------------------------------- text

@cache
def _font() -> list[str]:
    """The families the charts draw with: the book's face (its build requires it), or in a
    reader's notebook the first Chinese face it has; listed only if installed, since
    matplotlib logs every family of a list that it cannot find."""
    chinese = [style.CJK_FONT, *(f for f in fonts.READER_FAMILIES if f != style.CJK_FONT)]
    return [next((f for f in chinese if fonts.entries(f)), style.CJK_FONT), "DejaVu Sans"]
LINESPACING = 1.3
# Widths are measured glyph by glyph at a large size (where hinting does not round)
# and scaled, which is fast and, with kerning ignored, errs on the wide side. Hinting
# widens small text on screen by a few per cent: ``_HINTING`` allows for it.
_MEASURE = RendererAgg(10, 10, 72)
_REFERENCE_PT = 100.0
_HINTING = 1.04


@cache
def _glyph_pt(char: str, weight: str, fontstyle: str) -> float:
    prop = FontProperties(family=_font(), size=_REFERENCE_PT, weight=weight, style=fontstyle)
    return _MEASURE.get_text_width_height_descent(char, prop, ismath=False)[0]


def _width_pt(text: str, size: float, weight: str = "normal", fontstyle: str = "normal") -> float:
    """Width of one line of text in points, as drawn with the book's fonts (slightly generous)."""
    return sum(_glyph_pt(c, weight, fontstyle) for c in text) * size / _REFERENCE_PT * _HINTING


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Break points: after spaces, and around every CJK character (no break before closing punctuation)."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if char == " ":
            tokens.append(current + " ")
            current = ""
        elif _is_wide(char):
            if current and not _is_wide(current[-1]):
                tokens.append(current)
                current = ""
            if char in "，。、；：）》」』”’" and tokens and not current:
                tokens[-1] += char
            elif current:
                tokens.append(current)
                current = char
            else:
                current = char
        else:
            if current and _is_wide(current[-1]) and char not in ")）,.;:":
                tokens.append(current)
                current = ""
            current += char
    if current:
        tokens.append(current)
    return tokens


def wrap(text: str, width_in: float, size: float, weight: str = "normal", fontstyle: str = "normal") -> list[str]:
    """Greedy line breaking of mixed Chinese/English text to a measured width in inches."""
    limit = width_in * 72
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and _width_pt(candidate.rstrip(), size, weight, fontstyle) > limit:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


class _Block:
    """A paragraph wrapped to a width: one Text artist."""

    def __init__(self, text, width_in, size=9.5, weight="normal", color=INK, fontstyle="normal", ha="center"):
        self.lines = wrap(text, width_in, size, weight, fontstyle)
        self.size, self.weight, self.color, self.fontstyle, self.ha = size, weight, color, fontstyle, ha

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LINESPACING / 72

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _english(text: str, width_in: float, **style) -> list[_Block]:
    """An English rendering under a Chinese name: in the English edition only (the Chinese one has the name)."""
    return [_Block(text, width_in, **style)] if i18n.is_source() else []


def _stack_height(blocks: list[_Block], gap: float = 0.04) -> float:
    return sum(b.height for b in blocks) + gap * max(len(blocks) - 1, 0)


# --------------------------------------------------------------------------- canvas


class _Canvas:
    """Record drawing operations in inches from the top-left; :meth:`figure` draws them."""

    def __init__(self, width: float = WIDTH):
        self.width = width
        self.ops: list[tuple] = []
        self.bottom = 0.0

    def _grow(self, y: float) -> None:
        self.bottom = max(self.bottom, y)

    def box(self, gid, x, y, w, h, fc=PALE, ec=INK, lw=1.0, ls="-", rounding=0.06, zorder=2):
        self.ops.append(("box", gid, x, y, w, h, fc, ec, lw, ls, rounding, zorder))
        self._grow(y + h)

    def rect(self, gid, x, y, w, h, fc, ec="none", lw=0.0, hatch=None, zorder=2):
        self.ops.append(("rect", gid, x, y, w, h, fc, ec, lw, hatch, zorder))
        self._grow(y + h)

    def blocks(self, gid, x, y, blocks: list[_Block], gap: float = 0.04, zorder=4):
        """Stack blocks from ``y`` down; ``x`` is the centre (or the left edge for ha='left')."""
        for i, block in enumerate(blocks):
            self.ops.append(("text", f"{gid}:{i}" if gid else None, x, y, block, zorder))
            y += block.height + gap
        self._grow(y)
        return y - gap

    def text(self, gid, x, y, block: _Block, va="top", zorder=4):
        self.ops.append(("text", gid, x, y, block, zorder, va))
        self._grow(y + (block.height if va == "top" else block.height / 2))

    def node(self, gid, x, y, w, h, blocks, pad=0.08, **box):
        """A box with its blocks centred vertically inside."""
        self.box(gid, x, y, w, h, **box)
        top = y + (h - _stack_height(blocks)) / 2
        self.blocks(f"{gid}:text", x + w / 2, top, blocks)

    def arrow(self, gid, start, end, color=INK, lw=1.4, ls="-", head=True, zorder=3):
        self.ops.append(("arrow", gid, start, end, color, lw, ls, head, zorder))

    def line(self, gid, xs, ys, color=INK, lw=1.0, ls="-", zorder=1):
        self.ops.append(("line", gid, xs, ys, color, lw, ls, zorder))
        self._grow(max(ys))

    def bars(self, x, top, bottom, width, max_value, bars, bar_h, label_size=10.5):
        """Horizontal bars drawn by ``Axes.barh`` and labelled by ``Axes.bar_label``, on an axes
        that covers ``x``..``x + width`` across and ``top``..``bottom`` down (inches). ``bars``:
        (gid, y of the bar's centre, value, colour, hatch, label); ``max_value`` spans ``width``."""
        self.ops.append(("bars", x, top, bottom, width, max_value, bars, bar_h, label_size))
        self._grow(bottom)

    def marker(self, gid, x, y, marker, size, fc, ec, lw=1.0, zorder=3):
        self.ops.append(("marker", gid, x, y, marker, size, fc, ec, lw, zorder))
        self._grow(y + size / 144)

    def figure(self, margin: float = 0.15) -> Figure:
        height = self.bottom + margin
        with style.context():
            fig = Figure(figsize=(self.width, height), facecolor=PAPER)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, self.width)
            ax.set_ylim(height, 0)
            ax.set_axis_off()
            for op in self.ops:
                kind = op[0]
                if kind == "box":
                    _, gid, x, y, w, h, fc, ec, lw, ls, rounding, z = op
                    patch = FancyBboxPatch(
                        (x, y), w, h, boxstyle=f"round,pad=0,rounding_size={rounding}",
                        fc=fc, ec=ec, lw=lw, ls=ls, zorder=z, gid=gid,
                    )
                    ax.add_patch(patch)
                elif kind == "rect":
                    _, gid, x, y, w, h, fc, ec, lw, hatch, z = op
                    ax.add_patch(Rectangle((x, y), w, h, fc=fc, ec=ec, lw=lw, hatch=hatch, zorder=z, gid=gid))
                elif kind == "text":
                    gid, x, y, block, z = op[1:6]
                    va = op[6] if len(op) > 6 else "top"
                    ax.text(
                        x, y, block.text, ha=block.ha, va=va, fontsize=block.size, fontweight=block.weight,
                        fontstyle=block.fontstyle, color=block.color, linespacing=LINESPACING,
                        multialignment=block.ha, zorder=z, gid=gid, family=_font(),
                    )
                elif kind == "arrow":
                    _, gid, start, end, color, lw, ls, head, z = op
                    ax.add_patch(FancyArrowPatch(
                        start, end, arrowstyle="-|>" if head else "-", mutation_scale=14, lw=lw, ls=ls,
                        color=color, shrinkA=0, shrinkB=0, zorder=z, gid=gid,
                    ))
                elif kind == "line":
                    _, gid, xs, ys, color, lw, ls, z = op
                    ax.add_line(Line2D(xs, ys, color=color, lw=lw, ls=ls, zorder=z, gid=gid))
                elif kind == "marker":
                    _, gid, x, y, marker, size, fc, ec, lw, z = op
                    ax.add_line(Line2D([x], [y], marker=marker, ms=size, mfc=fc, mec=ec, mew=lw, ls="none",
                                       zorder=z, gid=gid))
                elif kind == "bars":
                    self._draw_bars(fig, height, *op[1:])
            fig.draw_without_rendering()
        return fig

    def _draw_bars(self, fig, height, x, top, bottom, width, max_value, bars, bar_h, label_size):
        # the axes' y runs down in inches, like the canvas; its x is the bars' value scale
        ax = fig.add_axes((x / self.width, 1 - bottom / height, width / self.width, (bottom - top) / height))
        ax.set_axis_off()
        ax.set_ylim(bottom, top)
        ax.set_xlim(0, max_value or 1)
        for gid, y, value, colour, hatch, label in bars:
            container = ax.barh([y], [value], height=bar_h, color=colour, hatch=hatch,
                                edgecolor=INK if hatch else "none", linewidth=0.8 if hatch else 0)
            container.patches[0].set_gid(f"bar:{gid}")
            (text,) = ax.bar_label(container, labels=[label], padding=7, fontsize=label_size, fontweight="bold",
                                   color=INK, family=_font())
            text.set_gid(f"{gid}:value")


def _title(canvas: _Canvas, title: str, subtitle: str | None = None, y: float = 0.15) -> float:
    """Figure title (and a muted subtitle) at the top left; returns the y below them."""
    width = canvas.width - 0.4
    blocks = [_Block(title, width, size=13, weight="bold", ha="left")]
    if subtitle:
        blocks.append(_Block(subtitle, width, size=9.5, color=MUTED, ha="left"))
    return canvas.blocks("title", 0.2, y, blocks, gap=0.06) + 0.2


def _tint(hex_colour: str, amount: float = 0.22) -> str:
    """A light tint of a colour (mixed with white), for box fills under dark text."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _words(n: int) -> str:
    """A small count in words (``4`` → ``four``), larger ones as digits (and every one in Chinese)."""
    if not i18n.is_source():
        return str(n)
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _series(items: list[str]) -> str:
    """``a, b and c`` (Chinese: ``a、b和c``)."""
    if not i18n.is_source():
        return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _legend(canvas: _Canvas, x: float, y: float, items: list[tuple], size: float = 9.5) -> float:
    """A one-row legend of (kind, style, label) swatches; returns its bottom y."""
    for kind, spec, label in items:
        if kind == "rect":
            canvas.rect(None, x, y + 0.03, 0.28, 0.16, **spec)
            x += 0.36
        else:  # marker
            canvas.marker(None, x + 0.08, y + 0.1, **spec)
            x += 0.22
        block = _Block(label, 3.0, size=size, ha="left")
        canvas.text(None, x, y, block)
        x += _width_pt(block.lines[0], size) / 72 + 0.3
    return y + 0.25


# --------------------------------------------------------------------------- funding


def _limits(data_dir) -> dict[str, object]:
    rules = data.load("funding_rules", data_dir)
    return {r.rule_id: r for r in rules[rules["kind"] == "limit"].itertuples()}


def _draw_limit(canvas: _Canvas, gid: str, rule, y: float, color: str, ls: str, width: float = 3.4) -> float:
    """A limit: a line across the figure, its label in a white box on the line's left; returns the y below."""
    one_line = i18n.named(rule.name_zh, rule.name_en, " · ")
    if _width_pt(one_line, 9.5, "bold") / 72 <= width:
        label = [_Block(one_line, width, size=9.5, weight="bold", ha="left")]
    else:
        label = [_Block(rule.name_zh, width, size=9.5, weight="bold", ha="left")]
        if i18n.is_source():
            label.append(_Block(rule.name_en, width, size=9.5, ha="left"))
    text_w = max(_width_pt(line, b.size, b.weight) for b in label for line in b.lines) / 72
    h = _stack_height(label, gap=0.0) + 0.12
    canvas.line(gid, [0.25, canvas.width - 0.25], [y + h / 2, y + h / 2], color=color, lw=2.2, ls=ls)
    canvas.box(f"label:{gid}", 0.3, y, text_w + 0.2, h, fc=PAPER, ec=color, lw=1.2, zorder=3)
    canvas.blocks(f"label:{gid}:text", 0.4, y + 0.06, label, gap=0.0)
    return y + h


def funding_structure(data_dir=data.DATA_DIR) -> Figure:
    """How the money is meant to move: three channels pooled, screened, spent area by area.

    A node-link diagram: every box of a tier and every arrow is the same size, because
    the report gives no amounts; the chart says so on its face and carries no number.
    """
    channels = data.load("funding_channels", data_dir).sort_values("order", kind="stable")
    programmes = data.load("funding_programmes", data_dir).sort_values("order", kind="stable")
    rules = data.load("funding_rules", data_dir)
    by_kind = {kind: rules[rules["kind"] == kind] for kind in ("pooling", "screen", "priority", "limit")}
    pooling = by_kind["pooling"].set_index("rule_id")
    priorities = by_kind["priority"].sort_values("order", kind="stable")
    limits = _limits(data_dir)

    canvas = _Canvas()
    y = _title(canvas, i18n._("Funding: pooled, screened, spent area by area"))
    margin, inner = 0.25, canvas.width - 0.5

    reported = bool(channels["amount_reported"].fillna(False).any())
    banner = (
        i18n._("Structure only. No amounts are drawn: every box of a row and every arrow is the same size; "
               "arrows give the book's reading of how the report's passages connect, not flows or sums.")
        + ("" if reported else i18n._(" The report gives no amount for any channel (金额未报道)."))
    )
    block = _Block(banner, inner - 0.3, size=10, weight="bold", color=INK)
    canvas.box("banner", margin, y, inner, block.height + 0.2, fc="#fff4e0", ec=OKABE_ITO["orange"], lw=1.2)
    canvas.blocks("banner:text", canvas.width / 2, y + 0.1, [block])
    y += block.height + 0.4

    def row(tier: str, items: list[tuple[str, list[_Block]]], y: float, gap: float = 0.16, fc=PALE, ec=INK):
        count = len(items)
        w = (inner - gap * (count - 1)) / count
        h = max(_stack_height(b) for _, b in items) + 0.22
        xs = []
        for i, (item_id, blocks) in enumerate(items):
            x = margin + i * (w + gap)
            canvas.node(f"node:{tier}:{item_id}", x, y, w, h, blocks, fc=fc, ec=ec)
            xs.append(x + w / 2)
        return xs, y + h

    # the channels
    count = len(channels)
    cw = (inner - 0.16 * (count - 1)) / count - 0.2
    items = [
        (
            c.channel_id,
            [
                _Block(c.name_zh, cw, size=11, weight="bold"),
                *_english(c.name_en, cw, size=9.5),
                _Block(i18n._("amount reported") if c.amount_reported else i18n._("amount not reported"), cw, size=9,
                       color=MUTED, fontstyle="italic"),
            ],
        )
        for c in channels.itertuples()
    ]
    channel_x, y = row("channel", items, y)

    # the pooled 'combination pie'
    y_pie = y + 0.4
    pie_w = inner * 0.7
    pie_x = (canvas.width - pie_w) / 2
    pool = pooling.loc["pooling"] if "pooling" in pooling.index else pooling.iloc[0]
    pie_blocks = [_Block(pool.name_zh, pie_w - 0.2, size=11, weight="bold"),
                  *_english(pool.name_en, pie_w - 0.2, size=9.5)]
    pie_h = _stack_height(pie_blocks) + 0.22
    canvas.node("node:pool:pooling", pie_x, y_pie, pie_w, pie_h, pie_blocks, fc=_tint(OKABE_ITO["sky_blue"], 0.3))
    for i, x in enumerate(channel_x):
        end_x = pie_x + pie_w * (i + 1) / (len(channel_x) + 1)
        canvas.arrow(f"edge:channel-pool:{i}", (x, y), (end_x, y_pie))
    y = y_pie + pie_h

    # the debt red line: what passes below it is bounded by it
    y_line = y + 0.15
    y = _draw_limit(canvas, "limit:debt", limits["debt_red_line"], y_line, COLOURS["limit"], "--") if "debt_red_line" in limits else y_line

    # the screen and the three kinds of project it gives priority to, side by side
    screen = by_kind["screen"]
    y_screen = y + 0.15
    screen_blocks = [
        _Block(" · ".join(screen["name_zh"]), inner - 0.3, size=11, weight="bold"),
        *_english("; ".join(screen["name_en"]), inner - 0.3, size=9.5),
    ]
    head_h = _stack_height(screen_blocks)
    count = max(len(priorities), 1)
    pw = (inner - 0.3 - 0.12 * (count - 1)) / count
    prio_blocks = [
        [*_english(p.name_en, pw - 0.16, size=9.5, weight="bold"), _Block(p.name_zh, pw - 0.16, size=9.5)]
        for p in priorities.itertuples()
    ]
    prio_h = max((_stack_height(b) for b in prio_blocks), default=0) + 0.2
    screen_h = 0.12 + head_h + 0.12 + prio_h + 0.15
    canvas.box("node:screen:screen", margin, y_screen, inner, screen_h, fc=_tint(OKABE_ITO["yellow"], 0.25))
    canvas.blocks("node:screen:screen:text", canvas.width / 2, y_screen + 0.12, screen_blocks)
    py = y_screen + 0.12 + head_h + 0.12
    for i, (p, blocks) in enumerate(zip(priorities.itertuples(), prio_blocks)):
        px = margin + 0.15 + i * (pw + 0.12)
        canvas.node(f"node:priority:{p.rule_id}", px, py, pw, prio_h, blocks, fc=PAPER)
    canvas.arrow("edge:pool-screen:0", (canvas.width / 2, y_pie + pie_h), (canvas.width / 2, y_screen))
    y = y_screen + screen_h

    # the programmes
    y_prog = y + 0.4
    count = len(programmes)
    prw = (inner - 0.16 * (count - 1)) / count - 0.16
    items = [
        (p.programme_id, [_Block(p.name_zh, prw, size=10, weight="bold"), *_english(p.name_en, prw, size=9)])
        for p in programmes.itertuples()
    ]
    prog_x, y = row("programme", items, y_prog)
    for i, x in enumerate(prog_x):
        start_x = margin + inner * (i + 1) / (len(prog_x) + 1)
        canvas.arrow(f"edge:screen-programme:{i}", (start_x, y_prog - 0.45), (x, y_prog))

    # area by area, across the blocks
    if "whole_areas" in pooling.index:
        area = pooling.loc["whole_areas"]
        y_area = y + 0.35
        area_blocks = [_Block(area.name_zh, inner - 0.3, size=10.5, weight="bold"),
                       *_english(f"{area.name_en}, across the district's blocks (街区)", inner - 0.3, size=9.5)]
        area_h = _stack_height(area_blocks) + 0.22
        canvas.node("node:area:whole_areas", margin, y_area, inner, area_h, area_blocks,
                    fc=_tint(OKABE_ITO["green"], 0.22))
        for i, x in enumerate(prog_x):
            end_x = margin + inner * (i + 1) / (len(prog_x) + 1)
            canvas.arrow(f"edge:programme-area:{i}", (x, y), (end_x, y_area))
        y = y_area + area_h

    # the investment floor under it all
    if "investment_floor" in limits:
        y = _draw_limit(canvas, "limit:floor", limits["investment_floor"], y + 0.15, OKABE_ITO["blue"], "-",
                        width=canvas.width - 0.8)
    return canvas.figure()


def priority_screen(data_dir=data.DATA_DIR) -> Figure:
    """The screen (砍调压减) and the three kinds of project it gives priority to, side by side
    (the report lists three parallel clauses and ranks none), between the debt red line and the floor."""
    rules = data.load("funding_rules", data_dir)
    screen = rules[rules["kind"] == "screen"]
    priorities = rules[rules["kind"] == "priority"].sort_values("order", kind="stable")
    limits = _limits(data_dir)

    canvas = _Canvas()
    y = _title(canvas, i18n._("The screen: projects cut and adjusted, with priority for three kinds of project"),
               i18n._("Three parallel clauses (优先保障…), in the report's order; the report does not rank them. "
                      "Equal boxes: the report gives no amounts and no shares."))
    if "debt_red_line" in limits:
        y = _draw_limit(canvas, "limit:debt", limits["debt_red_line"], y, COLOURS["limit"], "--") + 0.3
    inner = canvas.width - 1.5
    x0 = 0.75
    blocks = [_Block(" · ".join(screen["name_zh"]), inner - 0.3, size=11.5, weight="bold"),
              *_english("; ".join(screen["name_en"]), inner - 0.3, size=10)]
    h = _stack_height(blocks) + 0.25
    canvas.node("node:screen:screen", x0, y, inner, h, blocks, fc=_tint(OKABE_ITO["yellow"], 0.25))
    y += h + 0.45
    count = max(len(priorities), 1)
    gap = 0.16
    pw = (inner - gap * (count - 1)) / count
    prio = [[*_english(p.name_en, pw - 0.16, size=10, weight="bold"), _Block(p.name_zh, pw - 0.16, size=10)]
            for p in priorities.itertuples()]
    ph = max((_stack_height(b) for b in prio), default=0) + 0.22
    for i, (p, b) in enumerate(zip(priorities.itertuples(), prio)):
        x = x0 + i * (pw + gap)
        # one arrow from the screen to each: side by side, not a sequence
        canvas.arrow(f"edge:priority:{p.rule_id}", (canvas.width / 2, y - 0.45), (x + pw / 2, y))
        canvas.node(f"node:priority:{p.rule_id}", x, y, pw, ph, b, fc=PAPER)
    y += ph
    if "investment_floor" in limits:
        y = _draw_limit(canvas, "limit:floor", limits["investment_floor"], y + 0.3, OKABE_ITO["blue"], "-",
                        width=canvas.width - 0.8)
    return canvas.figure()


# --------------------------------------------------------------------------- bars


def _bar_rows(canvas, y, rows, max_value, *, bar_h=0.32):
    """Rows of (gid, heading blocks, value or None, colour, hatch, value label, missing label).

    Each row: its heading above, then a bar whose length is proportional to the value
    (one scale for all rows, drawn with ``Axes.barh``), the value label at the bar's end
    (``Axes.bar_label``); a row without a value gets no bar but says so.
    """
    x0 = 0.3
    span = canvas.width - x0 - 2.6  # the longest bar; room right of it for its label
    top, bars = y, []
    for gid, heading, value, colour, hatch, value_label, missing in rows:
        y = canvas.blocks(f"{gid}:heading", x0, y, heading, gap=0.02) + 0.06
        if value is None:
            canvas.rect(f"{gid}:none", x0, y, 0.02, bar_h, fc=RULE)
            canvas.text(f"{gid}:missing", x0 + 0.12, y + bar_h / 2,
                        _Block(missing, canvas.width - 1, size=9.5, color=MUTED, fontstyle="italic", ha="left"),
                        va="center")
        else:
            bars.append((gid, y + bar_h / 2, value, colour, hatch, value_label))
        y += bar_h + 0.3
    if bars:
        canvas.bars(x0, top, y, span, max_value, bars, bar_h)
    return y


def projects_by_line(data_dir=data.DATA_DIR) -> Figure:
    """Projects in each of the three programme lines, as the report counts them for 2018."""
    lines = data.load("programme_lines", data_dir)
    canvas = _Canvas()
    kinds = [i18n.pick(line, "project_kind") for line in lines.itertuples()]
    y = _title(
        canvas,
        i18n._("Projects by programme line, {year}").format(year=data.figure("start_year", data_dir)),
        i18n._("{count} kinds of project, as the report counts them: {kinds}. "
               "The kinds differ, so the bars compare counts, not effort or money.").format(
            count=_words(len(kinds)).capitalize(), kinds=_series(kinds)),
    )
    width = canvas.width - 0.6
    rows = []
    for line in lines.itertuples():
        heading = [
            _Block(i18n.named(line.name_zh, line.name_en, " · "), width, size=10.5, weight="bold", ha="left"),
            _Block(i18n._("driven by {driver_en} ({driver_zh})").format(driver_en=line.driver_en, driver_zh=line.driver_zh),
                   width, size=9.5, color=MUTED, ha="left"),
        ]
        label = (f"{int(line.project_count)} {line.project_kind_en} ({line.project_kind_zh})" if i18n.is_source()
                 else f"{int(line.project_count)}个{line.project_kind_zh}")
        rows.append((f"line:{line.line_id}", heading, int(line.project_count),
                     COLOURS.get(line.line_id, OKABE_ITO["blue"]), None, label, ""))
    _bar_rows(canvas, y, rows, int(lines["project_count"].max()))
    return canvas.figure()


def pollution_actions(data_dir=data.DATA_DIR) -> Figure:
    """Direct sewage discharges tackled, by water and place, with the outfall counts the report gives."""
    actions = data.load("pollution_actions", data_dir)
    statuses = data.enum("pollution_actions", "status", data_dir)
    counted = actions["outfall_count"].dropna()
    shown = [s for s in statuses if actions.loc[actions["status"] == s, "outfall_count"].notna().any()]
    key = i18n._("; ").join(
        (i18n._("solid bars: {status_en} ({status_zh})") if statuses.index(s) == 0
         else i18n._("hatched bars: {status_en} ({status_zh})")).format(
            status_en=i18n._(POLLUTION_STATUS[s][1]), status_zh=POLLUTION_STATUS[s][0])
        for s in shown
    )
    canvas = _Canvas()
    y = _title(
        canvas,
        i18n._("Pollution control: direct sewage discharges tackled"),
        i18n._("Outfalls (处, points of direct sewage discharge) by place, where the report gives a number; "
               "after each place, how far the work had got.")
        + (i18n._(" {key}.").format(key=i18n.sentence_case(key)) if len(shown) > 1 else ""),
    )
    max_value = int(counted.max()) if len(counted) else 0
    width = canvas.width - 0.6
    # group by water body, in the order the report first names each
    for water in dict.fromkeys(actions["water_zh"]):
        group = actions[actions["water_zh"] == water]
        first = group.iloc[0]
        y = canvas.blocks(f"water:{water}", 0.2, y, [
            _Block(i18n.named(first.water_zh, first.water_en, " · "), width, size=11, weight="bold", ha="left")]) + 0.08
        rows = []
        for a in group.itertuples():
            zh, en = POLLUTION_STATUS[a.status]
            heading = [_Block(i18n.named(a.place_zh, a.place_en, " · ") + " — " + i18n._(en) + f" ({zh})" if i18n.is_source()
                              else f"{a.place_zh}——{zh}", width, size=10, ha="left")]
            done = statuses.index(a.status) == 0 if a.status in statuses else False
            count = None if pd.isna(a.outfall_count) else int(a.outfall_count)
            rows.append((
                f"action:{a.action_id}", heading, count, OKABE_ITO["blue"] if done else _tint(OKABE_ITO["orange"], 0.6),
                None if done else "///", i18n._("{count} outfalls").format(count=count) if count is not None else "",
                i18n._("number of outfalls not reported"),
            ))
        y = _bar_rows(canvas, y, rows, max_value) + 0.05
    return canvas.figure()


# --------------------------------------------------------------------------- units


def staff_posted(data_dir=data.DATA_DIR) -> Figure:
    """The leading-group members and key staff the Home of Craftsmen posted, and where: one mark per unit."""
    figures = data.load("key_figures", data_dir)
    staff = figures[figures["topic"] == "staff"]
    shapes = {"people": ("o", COLOURS["party"]), "blocks": ("s", OKABE_ITO["blue"]),
              "headquarters": ("D", OKABE_ITO["orange"]), "projects": ("^", OKABE_ITO["green"])}
    canvas = _Canvas()
    y = _title(
        canvas,
        i18n._("Staff posted to the programme"),
        i18n._("One mark per person, block, headquarters or project. The report gives the totals only: "
               "it does not say who was posted where, and one person may cover several places."),
    )
    label_w = 2.3
    x_marks = 0.3 + label_w + 0.2
    step = min(0.25, (canvas.width - x_marks - 0.3) / max(int(staff["value"].max()), 1))
    for i, row in enumerate(staff.itertuples()):
        value = int(row.value)
        unit = i18n.translate_value("key_figures", "unit", row.unit)
        blocks = [_Block(f"{value} {unit}" if i18n.is_source() else f"{value}{unit}",
                         label_w, size=12, weight="bold", ha="left"),
                  _Block(i18n.translate_value("key_figures", "label_en", row.label_en), label_w, size=9, color=MUTED, ha="left")]
        height = _stack_height(blocks)
        canvas.blocks(f"staff:{row.figure_id}", 0.3, y, blocks)
        marker, colour = shapes.get(row.unit, ("o", INK))
        size = min(13, step * 72 * 0.62)
        for k in range(value):
            canvas.marker(f"unit:{row.figure_id}:{k}", x_marks + step * (k + 0.5), y + 0.15, marker, size,
                          fc=colour, ec=INK, lw=0.6)
        y += max(height, 0.4) + 0.22
        if i == 0 and len(staff) > 1:
            canvas.text("posted-to", 0.3, y - 0.1, _Block(i18n._("posted to:"), label_w, size=10, fontstyle="italic",
                                                           color=INK, ha="left"))
            y += 0.28
    return canvas.figure()


def owners_committees(data_dir=data.DATA_DIR) -> Figure:
    """Owners' committees (业委会) in the old estates targeted in 2018, estate by estate, by status."""
    committees = data.load("owners_committees", data_dir)
    statuses = data.enum("owners_committees", "status", data_dir)
    fills = [
        (_tint(OKABE_ITO["blue"], 0.3), INK, "-"),
        (_tint(OKABE_ITO["green"], 0.3), INK, "-"),
        (PAPER, OKABE_ITO["orange"], "--"),
    ]
    canvas = _Canvas()
    y = _title(canvas, i18n._("Owners' committees in the old estates, {year}").format(year=data.figure("start_year", data_dir)),
               i18n._("Each box is one estate the report names, grouped by how far its committee had got."))
    per_row, gap, x0 = 4, 0.12, 0.25
    w = (canvas.width - 2 * x0 - gap * (per_row - 1)) / per_row
    for s, status in enumerate(statuses):
        estates = committees[committees["status"] == status]
        zh, en = COMMITTEE_STATUS[status]
        fc, ec, ls = fills[min(s, len(fills) - 1)]
        canvas.rect(None, x0, y + 0.04, 0.3, 0.2, fc=fc, ec=ec, lw=1.4)
        y = canvas.blocks(f"status:{status}", x0 + 0.42, y, [
            _Block((i18n._("{status_en} ({status_zh}): {count} estate") if len(estates) == 1
                    else i18n._("{status_en} ({status_zh}): {count} estates")).format(
                       status_en=i18n._(en), status_zh=zh, count=len(estates)) if i18n.is_source()
                   else f"{zh}：{len(estates)}个小区",
                   canvas.width - 1, size=11, weight="bold", ha="left")]) + 0.1
        tiles = [[_Block(e.estate_zh, w - 0.14, size=10.5, weight="bold"), *_english(e.estate_en, w - 0.14, size=9)]
                 for e in estates.itertuples()]
        h = max((_stack_height(t) for t in tiles), default=0) + 0.18
        for k, (e, t) in enumerate(zip(estates.itertuples(), tiles)):
            col, line = k % per_row, k // per_row
            canvas.node(f"node:estate:{e.estate_id}", x0 + col * (w + gap), y + line * (h + gap), w, h, t,
                        fc=fc, ec=ec, ls=ls, lw=1.4)
        rows = -(-len(tiles) // per_row)
        y += rows * (h + gap) + 0.25 if rows else 0.2
    return canvas.figure()


def blocks_comparison(data_dir=data.DATA_DIR) -> Figure:
    """The four blocks started in 2018: type, lead element, culture, and the works the report names."""
    blocks = data.load("blocks", data_dir)
    blocks = blocks[blocks["started_2018"].fillna(False)].sort_values("report_order", kind="stable")
    works = data.load("block_works", data_dir)
    statuses = data.enum("block_works", "status", data_dir)
    looks = {"built": dict(marker="o", fc=OKABE_ITO["blue"], ec=INK), "planned": dict(marker="o", fc=PAPER, ec=OKABE_ITO["blue"])}
    look = {s: looks.get(s, dict(marker="o", fc=PALE, ec=INK)) for s in statuses}
    # an item whose status is the book's reading of an ambiguous sentence is marked apart
    reading = dict(marker="D", fc=PAPER, ec=OKABE_ITO["orange"])
    canvas = _Canvas()
    y = _title(canvas, i18n._("The {count} blocks started first, in {year}").format(
                   count=_words(len(blocks)), year=data.figure("start_year", data_dir)),
               i18n._("Each block's type and slogan as the report gives them, and one mark per work the report names "
                      "(not every project built)."))
    legend = [("marker", dict(marker=look[s]["marker"], size=10, fc=look[s]["fc"], ec=look[s]["ec"], lw=1.4),
               i18n._(WORK_STATUS[s][1]) + (f" ({WORK_STATUS[s][0]})" if WORK_STATUS[s][0] else ""))
              for s in statuses]
    if (works["status_basis"] == "reading").any():
        legend.append(("marker", dict(marker=reading["marker"], size=9, fc=reading["fc"], ec=reading["ec"], lw=1.6),
                       i18n._("status is the book's reading")))
    y = _legend(canvas, 0.3, y, legend) + 0.15
    col = [0.25, 2.45, 5.05]
    widths = [2.05, 2.45, 2.7]
    heads = [i18n._("Block and type"), i18n._("Lead element and culture"), i18n._("Works named in the report")]
    for x, w, head in zip(col, widths, heads):
        canvas.text(None, x, y, _Block(head, w, size=10, weight="bold", color=MUTED, ha="left"))
    y += 0.3
    canvas.line(None, [0.2, canvas.width - 0.2], [y - 0.05, y - 0.05], color=RULE, lw=0.8)
    for b in blocks.itertuples():
        left = [_Block(i18n.named(b.name_zh, b.name_en, " · "), widths[0], size=10.5, weight="bold", ha="left"),
                _Block(b.type_zh, widths[0], size=10, ha="left"),
                *_english(b.type_en, widths[0], size=9.5, color=MUTED, ha="left")]
        mid = [_Block(f"{b.lead_element_zh}: {b.lead_element_en}" if i18n.is_source() else b.lead_element_zh,
                      widths[1], size=9.5, ha="left"),
               _Block(f"{b.culture_zh}: {b.culture_en}" if i18n.is_source() else b.culture_zh,
                      widths[1], size=9.5, ha="left")]
        bottom = max(canvas.blocks(f"block:{b.block_id}:left", col[0], y + 0.08, left),
                     canvas.blocks(f"block:{b.block_id}:mid", col[1], y + 0.08, mid, gap=0.08))
        own = works[works["block_id"] == b.block_id]
        wy = y + 0.08
        for status in statuses:
            items = own[own["status"] == status]
            n = len(items)
            spec = look[status]
            label = _Block(i18n._("{count} {status}").format(count=n, status=i18n._(WORK_STATUS[status][1])),
                           1.2, size=9.5, ha="left")
            canvas.text(f"block:{b.block_id}:{status}", col[2], wy, label)
            for k, item in enumerate(items.itertuples()):
                mark = reading if item.status_basis == "reading" else spec
                canvas.marker(f"work:{item.work_id}", col[2] + 1.3 + 0.24 * k, wy + 0.09, mark["marker"], 10,
                              fc=mark["fc"], ec=mark["ec"], lw=1.4)
            wy += 0.27
        y = max(bottom, wy) + 0.15
        canvas.line(None, [0.2, canvas.width - 0.2], [y, y], color=RULE, lw=0.8)
        y += 0.05
    return canvas.figure()


# --------------------------------------------------------------------------- timeline


def timeline(data_dir=data.DATA_DIR) -> Figure:
    """The programme in time, with its background: events in date order (evenly spaced, not to scale)."""
    events = data.load("timeline", data_dir)
    sources = data.load("sources", data_dir).set_index("source_id")
    events = events.assign(_key=events["date"]).sort_values("_key", kind="stable")
    canvas = _Canvas()
    y = _title(canvas, i18n._("Timeline of the programme and its background"),
               i18n._("Evenly spaced, not to scale. A date known only to the year (or season) stands at the start of "
                      "its year."))
    y = _legend(canvas, 1.6, y, [
        ("marker", dict(marker="o", size=11, fc=COLOURS["party"], ec=COLOURS["party"], lw=1.6), i18n._("from the report")),
        ("marker", dict(marker="o", size=11, fc=PAPER, ec=INK, lw=1.6), i18n._("from another source")),
        ("marker", dict(marker="o", size=11, fc=PAPER, ec=COLOURS["party"], lw=1.6), i18n._("derived from the report")),
    ]) + 0.2
    x_date, x_axis, x_text = 0.3, 1.75, 2.0
    text_w = canvas.width - x_text - 0.25
    top = y
    last_y = y
    for e in events.itertuples():
        primary = sources.loc[e.source, "kind"] == "primary" if e.source in sources.index else False
        note = i18n._(PRECISION_NOTE.get(e.date_precision, e.date_precision))
        date_blocks = [_Block(e.date, 1.4, size=10.5, weight="bold", ha="left")]
        if note:
            date_blocks.append(_Block(note, 1.4, size=9, color=MUTED, ha="left"))
        body = [_Block(i18n.translate_value("timeline", "event_en", e.event_en), text_w, size=10, ha="left")]
        if not primary:  # the filled mark says "the report"; others name their source (see the bibliography)
            body.append(_Block(i18n._("source: {source}").format(source=e.source), text_w, size=9, color=MUTED, ha="left"))
        bottom = max(canvas.blocks(f"event:{e.event_id}:date", x_date, y, date_blocks, gap=0.01),
                     canvas.blocks(f"event:{e.event_id}:text", x_text, y, body, gap=0.02))
        derived = e.date_precision == "derived"
        canvas.marker(f"event:{e.event_id}", x_axis, y + 0.1, "o", 11,
                      fc=COLOURS["party"] if primary and not derived else PAPER,
                      ec=COLOURS["party"] if primary else INK, lw=1.6)
        last_y = y
        y = bottom + 0.12
    canvas.line("axis", [x_axis, x_axis], [top + 0.1, last_y + 0.1], color=RULE, lw=2, zorder=1)
    return canvas.figure()


# --------------------------------------------------------------------------- organisation


def _home_bodies(home) -> str:
    """What the report names for a home: its lead where it names one, else who acts or what it draws on."""
    def named(value):
        return isinstance(value, str) and value.strip()

    tr = i18n.gettext
    if named(home.lead_en):
        text = tr("led by {lead}").format(lead=i18n.pick(home, "lead")) + (
            tr(", with {taking_part} taking part").format(taking_part=i18n.pick(home, "takes_part"))
            if named(home.takes_part_en) else "")
    elif named(home.acting_en):
        text = tr("lead not named; acting: {acting}").format(acting=i18n.pick(home, "acting"))
    else:
        text = tr("lead not named; draws on {bodies}").format(
            bodies=i18n.pick(home, "draws_on") if named(home.draws_on_en) else tr("(not named)"))
    return i18n.sentence_case(text)


def organisation_diagram(data_dir=data.DATA_DIR) -> Figure:
    """District → the four homes → the programme lines they lead; and the three party bodies of the frame."""
    homes = data.load("homes", data_dir)
    lines = data.load("programme_lines", data_dir).set_index("line_id")
    orgs = data.load("organisations", data_dir)
    levels = data.enum("organisations", "level", data_dir)
    frame_levels = [lvl for lvl in levels if lvl in ("subdistrict", "block", "community")]
    frame = orgs[orgs["level"].isin(frame_levels)].copy()
    frame["_rank"] = frame["level"].map(frame_levels.index)
    frame = frame.sort_values("_rank", kind="stable")

    canvas = _Canvas()
    y = _title(canvas, i18n._("The district, its {count} 'homes' and the lines they lead on (牵头)").format(count=_words(len(homes))),
               i18n._("Arrows: leads on. Under each home's name, the body the report names for it: a lead body only for "
                      "the Home of Decision Advisers. Below the rule, the party bodies the district relied on (依托) to "
                      "draw the blocks."))
    margin, inner = 0.25, canvas.width - 0.5

    # the district
    dist = [_Block("石峰区委、区政府", 3.2, size=11.5, weight="bold"),
            *_english("Shifeng District party committee and government", 3.2, size=9.5)]
    dh = _stack_height(dist) + 0.2
    dw = 3.6
    dx = (canvas.width - dw) / 2
    canvas.node("node:district", dx, y, dw, dh, dist, fc=_tint(COLOURS["party"], 0.2))
    y_home = y + dh + 0.5

    # the homes
    n = len(homes)
    gap = 0.14
    hw = (inner - gap * (n - 1)) / n
    home_blocks = [
        [_Block(h.name_zh, hw - 0.16, size=11, weight="bold"),
         *_english(h.name_en, hw - 0.16, size=9.5, weight="bold"),
         _Block(_home_bodies(h), hw - 0.16, size=9, color=MUTED)]
        for h in homes.itertuples()
    ]
    hh = max(_stack_height(b) for b in home_blocks) + 0.22
    home_x = []
    for i, (h, b) in enumerate(zip(homes.itertuples(), home_blocks)):
        x = margin + i * (hw + gap)
        canvas.node(f"node:home:{h.home_id}", x, y_home, hw, hh, b, fc=PALE)
        home_x.append(x)
        canvas.arrow(f"edge:district-home:{h.home_id}", (dx + dw * (i + 1) / (n + 1), y + dh),
                     (x + hw / 2, y_home))
    y_line = y_home + hh + 0.5

    # what each home leads: a programme line, or (without one) its task
    lead_blocks = []
    for h in homes.itertuples():
        line_id = h.line_id if isinstance(h.line_id, str) else None
        if line_id and line_id in lines.index:
            line = lines.loc[line_id]
            lead_blocks.append((line_id, [
                _Block(line.name_zh, hw - 0.16, size=11, weight="bold"),
                *_english(line.name_en, hw - 0.16, size=9.5),
                _Block(f"{int(line.project_count)} {line.project_kind_en}; driven by {line.driver_en}" if i18n.is_source()
                       else f"{int(line.project_count)}个{line.project_kind_zh}；{line.driver_zh}",
                       hw - 0.16, size=9, color=MUTED),
            ]))
        else:
            lead_blocks.append((None, [
                _Block(h.task_zh, hw - 0.16, size=11, weight="bold"),
                *_english(h.task_en, hw - 0.16, size=9.5),
                _Block(i18n._("(not a programme line)"), hw - 0.16, size=9, color=MUTED, fontstyle="italic"),
            ]))
    lh = max(_stack_height(b) for _, b in lead_blocks) + 0.22
    for i, (h, (line_id, b)) in enumerate(zip(homes.itertuples(), lead_blocks)):
        x = home_x[i]
        if line_id:
            colour = COLOURS.get(line_id, OKABE_ITO["blue"])
            canvas.node(f"node:line:{line_id}", x, y_line, hw, lh, b, fc=_tint(colour, 0.3), ec=colour, lw=2)
        else:
            canvas.node(f"node:task:{h.home_id}", x, y_line, hw, lh, b, fc=PAPER, ec=INK, ls="--")
        canvas.arrow(f"edge:home-lead:{h.home_id}", (x + hw / 2, y_home + hh), (x + hw / 2, y_line))
    y = y_line + lh + 0.45

    # the frame: the three party bodies the district relied on (依托) to draw the blocks
    canvas.line(None, [margin, canvas.width - margin], [y - 0.2, y - 0.2], color=RULE, lw=0.8)
    y = canvas.blocks("frame:title", margin, y, [
        _Block(i18n._("The frame: the district relied on (依托) {count} party bodies to draw the blocks (街区)").format(
            count=_words(len(frame))), inner, size=10.5,
               weight="bold", ha="left")]) + 0.12
    k = len(frame)
    fgap = 0.4
    fw = (inner - fgap * (k - 1)) / max(k, 1)
    fblocks = [[_Block(o.name_zh, fw - 0.16, size=11, weight="bold"), *_english(o.name_en, fw - 0.16, size=9.5),
                _Block(i18n._("{level} level").format(level=i18n.translate_value("organisations", "level", o.level)), fw - 0.16, size=9, color=MUTED)]
               for o in frame.itertuples()]
    fh = max((_stack_height(b) for b in fblocks), default=0) + 0.2
    for i, (o, b) in enumerate(zip(frame.itertuples(), fblocks)):
        x = margin + i * (fw + fgap)
        canvas.node(f"node:frame:{o.org_id}", x, y, fw, fh, b, fc=_tint(COLOURS["party"], 0.12), ec=COLOURS["party"])
        if i:
            canvas.line(None, [x - fgap, x], [y + fh / 2, y + fh / 2], color=COLOURS["party"], lw=1.4)
    return canvas.figure()


# --------------------------------------------------------------------------- output

CHARTS = {
    "funding_structure": funding_structure,
    "priority_screen": priority_screen,
    "projects_by_line": projects_by_line,
    "staff_posted": staff_posted,
    "owners_committees": owners_committees,
    "pollution_actions": pollution_actions,
    "blocks_comparison": blocks_comparison,
    "timeline": timeline,
    "organisation_diagram": organisation_diagram,
}


class ChartImage:
    """A rendered chart for display or glue: PNG for every output (HTML and LaTeX), alt text as plain text."""

    def __init__(self, fig: Figure, alt: str = ""):
        self.png = style.png_bytes(fig)
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt or "<chart>",
        }


def glue_figure(name: str, fig: Figure, alt: str = "", display: bool | None = None) -> None:
    """Glue a chart under ``name`` for a ``{glue:figure}`` directive (numbered, captioned, with ``:alt:``).

    The PNG is rendered deterministically (:func:`shifeng.style.png_bytes`): the same
    data gives the same image file, whose name is its hash. ``alt`` is only the
    plain-text fallback; the page's ``:alt:`` option is what HTML shows. In the book's
    build the chart is shown only where the page's figure is; in a reader's notebook
    (``display`` None: see :mod:`shifeng.runtime`) it is shown here too.
    """
    from myst_nb import glue

    from shifeng import runtime

    glue(name, ChartImage(fig, alt), display=not runtime.in_book_build() if display is None else display)
