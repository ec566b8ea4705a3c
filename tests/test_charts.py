"""The charts of :mod:`shifeng.charts`: drawn from the data, readable, deterministic, honest.

- every chart builds from ``data/`` with no missing glyph (also when the caller has
  not set the book's style), and renders to the same PNG bytes twice, with an opaque
  white background (dark mode) and no ``Software`` stamp;
- text fits its boxes, no two labels overlap, nothing is cut off at the edges;
- changing a value in a *copy* of the data changes the chart (nothing is typed in);
- the funding charts carry no quantity: no digit, equal boxes and arrows, and they
  say on their face that the report gives no amounts;
- ``glue_figure`` gives a numbered figure with a caption and alt text in HTML, and an
  ``\\includegraphics`` in LaTeX (a small book built in a temporary folder).
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import logging
import re
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.text import Text
from PIL import Image
from sphinx_books import NOTEBOOK

from shifeng import charts, data, facts, style

REPO = Path(__file__).resolve().parent.parent
NAMES = list(charts.CHARTS)
FUNDING = ["funding_structure", "priority_screen"]


# --------------------------------------------------------------------------- helpers


def draw(name: str, data_dir=data.DATA_DIR):
    return charts.CHARTS[name](data_dir)


@pytest.fixture(autouse=True)
def edited_copies_are_drawn_as_they_are(monkeypatch):
    """These tests change a count in a copy of the data without the quotation it rests on,
    which validation rightly refuses (tests/test_data.py): here only data/ itself is validated."""
    validate_real_data = data._validated
    real = data.DATA_DIR.resolve()
    monkeypatch.setattr(data, "_validated", lambda data_dir: validate_real_data(data_dir) if data_dir == real else None)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def font_problems(action) -> list[str]:
    """Run ``action`` and return every warning or matplotlib log line about fonts or glyphs."""
    handler = _Records()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            action()
    finally:
        logger.removeHandler(handler)
    messages = [str(w.message) for w in caught] + handler.messages
    return [m for m in messages if re.search(r"missing from (current )?font|findfont|not found|Glyph", m)]


def texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def strings(fig) -> list[str]:
    return [t.get_text() for t in texts(fig)]


def by_gid(fig, prefix: str, kind=object):
    return [a for a in fig.findobj(lambda a: isinstance(a, kind)) if (a.get_gid() or "").startswith(prefix)]


def extent(artist, fig):
    renderer = fig.canvas.get_renderer()
    return artist.get_window_extent(renderer)


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, target)
    return target


def edit(data_dir: Path, table: str, key: str, field: str, value: str) -> None:
    """Set ``field`` of the row whose first column is ``key`` in ``data_dir/<table>.csv``."""
    path = data_dir / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    hits = [row for row in rows[1:] if row[0] == key]
    assert len(hits) == 1, f"{table}: no single row {key!r}"
    hits[0][header.index(field)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --------------------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def figures():
    return {name: draw(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_builds_without_missing_glyphs(name):
    problems = font_problems(lambda: style.png_bytes(draw(name)))
    assert problems == [], f"{name}: {problems}"


@pytest.mark.parametrize("name", NAMES)
def test_no_missing_glyphs_outside_the_style(name):
    """A notebook that never set the style still renders the chart's Chinese (fonts are set per text)."""
    fig = draw(name)

    def render():
        with mpl.rc_context(mpl.rcParamsDefault):
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")

    assert font_problems(render) == []


def test_style_names_the_cjk_font():
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=style.CJK_FONT), fallback_to_default=False)
    assert "NotoSansCJK" in Path(path).name
    sheet = mpl.rc_params_from_file(style.STYLE_SHEET, use_default_template=False)
    assert sheet["font.sans-serif"][0] == style.CJK_FONT


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_png(name, figures):
    first = style.png_bytes(figures[name])
    second = style.png_bytes(draw(name))
    assert first == second, f"{name}: two renders differ"
    assert b"Software" not in first[:4096], "PNG carries a Software stamp"


@pytest.mark.parametrize("name", NAMES)
def test_opaque_white_background(name, figures):
    """Dark mode dims the page: the chart must bring its own white, not be transparent."""
    image = Image.open(io.BytesIO(style.png_bytes(figures[name]))).convert("RGBA")
    width, height = image.size
    for corner in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]:
        assert image.getpixel(corner) == (255, 255, 255, 255), f"{name}: corner {corner} not opaque white"
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (255, 255), f"{name}: has transparent pixels"


@pytest.mark.parametrize("name", NAMES)
def test_print_and_screen_sizes(name, figures):
    fig = figures[name]
    width, height = fig.get_size_inches()
    assert width == pytest.approx(style.WIDTH)
    # printed at the text width (about 6.3 in), a chart must leave room on the page for its caption
    assert 2 < height <= 9.5, f"{name}: {height:.1f} in tall, too tall for a printed page with its caption"
    small = [t.get_text()[:30] for t in texts(fig) if t.get_fontsize() < 9]
    assert small == [], f"{name}: text under 9 pt: {small}"


# --------------------------------------------------------------------------- readability


@pytest.mark.parametrize("name", NAMES)
def test_text_fits_its_box(name, figures):
    fig = figures[name]
    boxes = by_gid(fig, "node:", FancyBboxPatch)
    assert boxes or name in {"projects_by_line", "staff_posted", "pollution_actions", "blocks_comparison",
                             "timeline"}
    for box in boxes:
        outer = extent(box, fig)
        inside = [t for t in texts(fig) if (t.get_gid() or "").startswith(box.get_gid() + ":text")]
        assert inside, f"{name}: box {box.get_gid()} has no text"
        for text in inside:
            bb = extent(text, fig)
            assert bb.x0 >= outer.x0 - 1 and bb.x1 <= outer.x1 + 1, f"{name}: {text.get_text()!r} overflows sideways"
            assert bb.y0 >= outer.y0 - 1 and bb.y1 <= outer.y1 + 1, f"{name}: {text.get_text()!r} overflows"


@pytest.mark.parametrize("name", NAMES)
def test_no_overlapping_or_cut_off_text(name, figures):
    fig = figures[name]
    items = [(t, extent(t, fig)) for t in texts(fig)]
    page = fig.bbox
    for text, bb in items:
        assert bb.x0 >= page.x0 and bb.x1 <= page.x1 and bb.y0 >= page.y0 and bb.y1 <= page.y1, (
            f"{name}: {text.get_text()[:40]!r} is cut off"
        )
    for (a, ba), (b, bb) in itertools.combinations(items, 2):
        overlap_x = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        overlap_y = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        assert overlap_x <= 1 or overlap_y <= 1, (
            f"{name}: {a.get_text()[:30]!r} overlaps {b.get_text()[:30]!r}"
        )


def test_wrap_respects_width():
    lines = charts.wrap("upgrading estates handed over by state enterprises under 三供一业 (water, power)", 1.5, 10)
    assert len(lines) > 1
    assert all(charts._width_pt(line, 10) <= 1.5 * 72 + 0.5 for line in lines)
    assert "".join(charts.wrap("国企三供一业分离移交小区提质改造", 0.8, 10)) == "国企三供一业分离移交小区提质改造"


# --------------------------------------------------------------------------- from the data


def test_projects_follow_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "programme_lines", "living_environment", "project_count", "41")
    edit(copy, "programme_lines", "public_services", "project_count", "9")
    fig = draw("projects_by_line", copy)
    shown = strings(fig)
    assert any(s.startswith("41 ") for s in shown) and any(s.startswith("9 ") for s in shown)
    assert not any(s.startswith("40 ") for s in shown)
    bars = {b.get_gid(): b.get_width() for b in by_gid(fig, "bar:", Rectangle)}
    counts = {row.line_id: int(row.project_count) for row in data.load("programme_lines", copy).itertuples()}
    # one scale for all bars: lengths proportional to the counts
    ratios = {bars[f"bar:line:{k}"] / v for k, v in counts.items()}
    assert max(ratios) - min(ratios) < 1e-9


def test_staff_follow_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "key_figures", "staff_projects", "value", "23")
    edit(copy, "key_figures", "staff_people", "value", "13")
    fig = draw("staff_posted", copy)
    assert "23 projects" in strings(fig) and "13 people" in strings(fig)
    assert len(by_gid(fig, "unit:staff_projects:")) == 23
    assert len(by_gid(fig, "unit:staff_people:")) == 13
    assert len(by_gid(draw("staff_posted"), "unit:staff_projects:")) == data.figure("staff_projects")


def test_committees_follow_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "owners_committees", "huodian", "status", "election_completed")
    fig = draw("owners_committees", copy)
    counts = data.load("owners_committees", copy)["status"].value_counts()
    assert any(s.endswith(f": {counts['election_completed']} estates") for s in strings(fig))
    assert len(by_gid(fig, "node:estate:", FancyBboxPatch)) == len(data.load("owners_committees", copy))
    original = draw("owners_committees")
    assert style.png_bytes(fig) != style.png_bytes(original)


def test_pollution_follows_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "pollution_actions", "baishigang_shifeng_bank", "outfall_count", "17")
    edit(copy, "pollution_actions", "power_plant_outlet", "outfall_count", "3")
    fig = draw("pollution_actions", copy)
    assert "17 outfalls" in strings(fig) and "3 outfalls" in strings(fig)
    assert "18 outfalls" not in strings(fig)
    bars = {b.get_gid(): b.get_width() for b in by_gid(fig, "bar:", Rectangle)}
    assert bars["bar:action:power_plant_outlet"] == pytest.approx(bars["bar:action:baishigang_shifeng_bank"] * 3 / 17)
    # a place without a count gets no bar, and says so
    assert "bar:action:longmuhe_jingui" not in bars
    assert "number of outfalls not reported" in strings(fig)


def test_blocks_follow_the_data(tmp_path):
    copy = copy_data(tmp_path)
    works = data.load("block_works")
    built = works[(works["block_id"] == "jingkan") & (works["status"] == "built")]
    edit(copy, "block_works", built.iloc[0]["work_id"], "status", "planned")
    fig = draw("blocks_comparison", copy)
    label = {t.get_gid(): t.get_text() for t in texts(fig)}
    assert label["block:jingkan:built"].startswith(f"{len(built) - 1} ")
    assert label["block:jingkan:planned"].startswith("1 ") or label["block:jingkan:planned"].startswith(
        f"{len(works[(works['block_id'] == 'jingkan') & (works['status'] == 'planned')]) + 1} "
    )
    assert len(by_gid(fig, "work:")) == len(works)


def test_timeline_follows_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "timeline", "report", "event_en", "A changed event text")
    edit(copy, "timeline", "report", "date", "2019-01-02")
    fig = draw("timeline", copy)
    assert "A changed event text" in "\n".join(strings(fig))
    assert "2019-01-02" in strings(fig)
    events = data.load("timeline", copy)
    assert len(by_gid(fig, "event:", object)) >= len(events)
    # in date order: the moved event is now below every 2018 event
    ys = {m.get_gid(): m.get_ydata()[0] for m in fig.axes[0].get_lines() if (m.get_gid() or "").startswith("event:")}
    later = [e.event_id for e in events.itertuples() if e.date > "2019-01-02"]
    earlier = [e.event_id for e in events.itertuples() if e.date.startswith("2018")]
    assert all(ys["event:report"] > ys[f"event:{e}"] for e in earlier)  # y grows downwards
    assert all(ys["event:report"] < ys[f"event:{e}"] for e in later)


def test_organisation_follows_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "homes", "decision_advisers", "line_id", "public_services")
    edit(copy, "programme_lines", "living_environment", "project_count", "41")
    fig = draw("organisation_diagram", copy)
    gids = {b.get_gid() for b in by_gid(fig, "node:", FancyBboxPatch)}
    assert "node:task:decision_advisers" not in gids
    assert any(s.startswith("41 physical projects") for s in strings(fig))
    homes = data.load("homes")
    assert {f"node:home:{h}" for h in homes["home_id"]} <= {b.get_gid() for b in by_gid(draw("organisation_diagram"), "node:", FancyBboxPatch)}
    frame = by_gid(draw("organisation_diagram"), "node:frame:", FancyBboxPatch)
    orgs = data.load("organisations")
    assert len(frame) == orgs["level"].isin(["subdistrict", "block", "community"]).sum()


def test_funding_follows_the_data(tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "funding_channels", "city", "name_en", "a renamed city channel")
    edit(copy, "funding_rules", "livelihood", "order", "3")
    edit(copy, "funding_rules", "public_interest", "order", "1")
    fig = draw("funding_structure", copy)
    assert "a renamed city channel" in strings(fig)
    # the priorities stand side by side, in the order the data lists them (the report ranks none)
    for chart in (fig, draw("priority_screen", copy)):
        boxes = by_gid(chart, "node:priority:", FancyBboxPatch)
        x = {b.get_gid(): b.get_x() for b in boxes}
        assert x["node:priority:public_interest"] < x["node:priority:environment"] < x["node:priority:livelihood"]
        assert len({round(b.get_y(), 6) for b in boxes}) == 1, "the priorities are drawn as a sequence"


# --------------------------------------------------------------------------- no quantity


@pytest.mark.parametrize("name", FUNDING)
def test_funding_carries_no_quantity(name, figures, tmp_path):
    copy = copy_data(tmp_path)
    edit(copy, "funding_channels", "central", "amount_reported", "true")  # even then: no number drawn
    for fig in (figures[name], draw(name, copy)):
        digits = [s for s in strings(fig) if re.search(r"\d", s)]
        assert digits == [], f"{name}: text with a digit: {digits}"
        # every arrow the same width and head
        edges = by_gid(fig, "edge:", FancyArrowPatch)
        assert edges
        assert len({(e.get_linewidth(), e.get_mutation_scale()) for e in edges}) == 1
        # every box of a tier the same size
        tiers: dict[str, set] = {}
        for box in by_gid(fig, "node:", FancyBboxPatch):
            tier = box.get_gid().split(":")[1]
            tiers.setdefault(tier, set()).add((round(box.get_width(), 9), round(box.get_height(), 9)))
        assert all(len(sizes) == 1 for sizes in tiers.values()), tiers
        # no bars, no wedges: nothing that could be read as an amount
        assert not by_gid(fig, "bar:")


def test_funding_says_amounts_are_not_reported(figures):
    text = " ".join(strings(figures["funding_structure"]))
    assert "report gives no amount" in " ".join(text.split())  # as read, across its wrapped lines
    assert text.count("amount not reported") == len(data.load("funding_channels"))
    assert "no amounts" in " ".join(strings(figures["priority_screen"]))


def test_funding_shows_every_channel_programme_and_rule(figures):
    fig = figures["funding_structure"]
    gids = {b.get_gid() for b in by_gid(fig, "node:", FancyBboxPatch)}
    assert {f"node:channel:{c}" for c in data.load("funding_channels")["channel_id"]} <= gids
    assert {f"node:programme:{p}" for p in data.load("funding_programmes")["programme_id"]} <= gids
    rules = data.load("funding_rules")
    priorities = rules[rules["kind"] == "priority"]["rule_id"]
    assert {f"node:priority:{p}" for p in priorities} <= gids
    shown = "\n".join(strings(fig))
    for rule in rules.itertuples():
        assert rule.name_zh in shown.replace("\n", ""), rule.rule_id


# --------------------------------------------------------------------------- glue


def test_chart_image_bundle(figures):
    image = charts.ChartImage(figures["projects_by_line"], alt="A bar chart")
    bundle = image._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == style.png_bytes(figures["projects_by_line"])
    assert bundle["text/plain"] == "A bar chart"


PAGE = NOTEBOOK + '''
# Charts

```{code-cell} ipython3
:tags: [remove-cell]
from shifeng import charts, facts
facts.glue_all()
charts.glue_figure("fig-projects", charts.projects_by_line())
```

See {numref}`fig-projects-by-line`.

```{glue:figure} fig-projects
:alt: Bar chart of projects in each programme line
:name: fig-projects-by-line

Projects by programme line; {glue:}`projects_living_environment` physical projects.
```
'''


@pytest.fixture(scope="module")
def mini_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("minibook")
    (root / "_config.yml").write_text(textwrap.dedent("""\
        title: Charts test
        author: test
        execute:
          execute_notebooks: force
          allow_errors: false
        sphinx:
          config:
            nb_output_stderr: remove
        """))
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: charts\n")
    (root / "index.md").write_text("# Index\n")
    (root / "charts.md").write_text(PAGE, encoding="utf-8")
    jb = Path(sys.executable).parent / "jupyter-book"
    for builder in ("html", "latex"):
        result = subprocess.run(
            [str(jb), "build", str(root), "--builder", builder, "-W", "-n", "--keep-going"],
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "_build"


def test_glue_figure_html_is_numbered_with_caption_and_alt(mini_book):
    html = (mini_book / "html" / "charts.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure[^>]*id="fig-projects-by-line".*?</figure>', html, re.S)
    assert figure, "no <figure> with the :name: as id"
    block = figure.group(0)
    assert re.search(r'<img[^>]*alt="Bar chart of projects in each programme line"', block)
    assert re.search(r"Fig\. 1", block), "figure is not numbered"
    assert f"{facts.fact('projects_living_environment')} physical projects" in re.sub(r"<[^>]+>", "", block)
    assert "Fig. 1" in re.sub(r"<[^>]+>", "", html.split(block)[0]), "numref does not resolve to the number"
    src = re.search(r'<img[^>]*src="([^"]+)"', block).group(1)
    assert src.endswith(".png") and (mini_book / "html" / src).exists()


def test_glue_figure_latex_includes_graphics(mini_book):
    tex = next((mini_book / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert re.search(r"\\sphinxincludegraphics(\[[^]]*\])?\{\{?[0-9a-f]+", tex) or "\\includegraphics" in tex
    assert "\\caption{Projects by programme line" in tex
    assert "\\label{\\detokenize{charts:fig-projects-by-line}}" in tex
