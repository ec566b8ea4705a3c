"""The tables a page shows: one display object, and the few tables that combine records.

:func:`show` gives one table of the data package (some columns, some rows); the other
functions build the tables that join or order records, so that no chapter computes
its own. Each returns a :class:`Table`, which a notebook displays as the last
expression of a cell: HTML in the web book, a LaTeX ``longtable`` in print.

Column headers are the fields' titles from ``data/datapackage.json``, not their names;
a table built here names its columns' fields so they get the same titles.

In the Chinese edition (:mod:`shifeng.i18n`) the same rows are shown in Chinese: a
column ``x_en`` gives way to its twin ``x_zh``, headers and captions come from the
catalogs, and the English values that have no Chinese field (an event, a figure's label)
are translated by ``locales/zh_CN/LC_MESSAGES/data.po``.
"""

from __future__ import annotations

import hashlib
import html
import re

import frictionless
import pandas as pd

from shifeng import data, i18n

#: the mime type of a table's LaTeX: set as it is in print by the myst-nb renderer of
#: :mod:`shifeng.ext.mime` (``text/latex`` would make myst-nb treat it as maths, and
#: load MathJax into every HTML page with a table)
LATEX_TABLE = "application/x.shifeng.table+latex"

#: how many tables of each content this process has made (for deterministic, unique ids)
_TABLE_IDS: dict[str, int] = {}


def field_titles(resource: str, data_dir=data.DATA_DIR) -> dict[str, str]:
    """Field name -> title, for one table of the package."""
    package = frictionless.Package(str(data_dir / data.PACKAGE_FILE))
    return {f.name: i18n.gettext(f.title) if f.title else f.name for f in package.get_resource(resource).schema.fields}


def edition_columns(columns: list[str], available) -> list[str]:
    """The columns of a table in the current edition: in Chinese, ``x_en`` gives way to ``x_zh``."""
    if i18n.is_source():
        return list(columns)
    chosen: list[str] = []
    for column in columns:
        if column.endswith("_en") and column[:-3] + "_zh" in available:
            column = column[:-3] + "_zh"
        if column not in chosen:
            chosen.append(column)
    return chosen


def _is_boolean(column: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(column.dtype) or bool(column.map(lambda v: isinstance(v, bool)).all())


def _translated(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The values of ``table`` as a reader reads them: a coded value as its label (the data
    package's ``shifeng:labels``, not ``election_completed``), true and false as "Yes" and "No"
    (not Python's ``True`` and ``False``), and in Chinese the labels and the English values of
    the fields listed in :data:`shifeng.i18n.DATA_MESSAGES`, translated."""
    frame = frame.copy()
    for column in frame.columns:
        if _is_boolean(frame[column]):
            frame[column] = [v if pd.isna(v) else i18n._("Yes") if v else i18n._("No") for v in frame[column]]
        else:
            frame[column] = [i18n.translate_value(table, column, v) for v in frame[column]]
    return frame


def _latex_escape(text: str) -> str:
    from pandas.io.formats.style_render import _escape_latex

    return _escape_latex(text)


def _tidy_latex(latex: str) -> str:
    """Small type; long names may break after ``_``, ``/`` or a dot between letters; the
    narrow columns ragged-right, their widths filling the line exactly."""
    head, marker, body = latex.partition("\\endlastfoot")
    if marker:
        body = body.replace("\\_", "\\_\\allowbreak{}").replace("/", "/\\allowbreak{}")
        body = re.sub(r"(?<=[a-z])\.(?=[a-z])", r".\\allowbreak{}", body)
        latex = head + marker + body
    return "\\begingroup\\small\n" + latex + "\n\\endgroup"


class Table:
    """A table for a chapter page: HTML in the web book, a LaTeX longtable in print.

    ``titles`` maps column names to headers (defaults: the column names). ``resources``
    names the data package's tables it shows: in HTML the caption links each one's CSV
    (the book's ``data/<table>.csv``, or the one beside a reader's notebook). Cell text is
    escaped in both outputs, so a value such as ``<script>`` shows as text.
    """

    def __init__(self, frame: pd.DataFrame, caption: str | None = None, titles: dict[str, str] | None = None,
                 resources: list[str] | None = None):
        titles = titles or {}
        self.frame = frame.reset_index(drop=True).rename(columns=lambda c: titles.get(c, c))
        self.caption = i18n.gettext(caption) if caption else caption
        self.resources = list(resources or [])
        # pandas names a table's HTML ids after a random uuid, so two builds of the same
        # page differ: name them after the content instead (plus a counter, so identical
        # tables on one page keep distinct ids).
        digest = hashlib.sha1(f"{caption}\n{self.frame.to_csv()}".encode()).hexdigest()[:10]
        _TABLE_IDS[digest] = _TABLE_IDS.get(digest, 0) + 1
        self._uuid = digest if _TABLE_IDS[digest] == 1 else f"{digest}-{_TABLE_IDS[digest]}"

    def _styler(self):
        frame = self.frame.astype("object").where(self.frame.notna(), "")
        styler = frame.style.hide(axis="index").set_uuid(self._uuid)
        if self.caption:
            styler = styler.set_caption(self.caption)
        return styler

    def _html_caption(self) -> str:
        from shifeng import bundle, runtime

        caption = html.escape(self.caption or "")
        if self.resources:
            files = bundle.csv_names()
            links = ", ".join(
                f'<a class="table-csv" href="{runtime.data_url()}{files[name]}" download>{files[name]}</a>'
                for name in self.resources
            )
            data_note = html.escape(i18n._("(data: {links})")).format(links=links)
            caption += f' <span class="table-data">{data_note}</span>'
        return caption.strip()

    def html(self) -> str:
        # tabindex: a wide table scrolls sideways in its own box on a phone (_static/book.css),
        # and a keyboard user can scroll it only if it can take the focus
        styler = self._styler().format(escape="html").set_table_attributes('class="data-table" tabindex="0"')
        caption = self._html_caption()
        return (styler.set_caption(caption) if caption else styler).to_html()

    def latex(self) -> str:
        columns = len(self.frame.columns)
        # fractions of the line, minus the space between columns, fill the line exactly
        widths = "".join(
            r">{\raggedright\arraybackslash}p{\dimexpr %.4f\linewidth-2\tabcolsep\relax}" % (1 / columns)
            for _ in self.frame.columns
        )
        styler = self._styler().format(escape="latex").format_index(escape="latex", axis=1)
        if self.caption:  # Styler escapes cells and labels, not the caption
            styler = styler.set_caption(_latex_escape(self.caption))
        return _tidy_latex(styler.to_latex(environment="longtable", column_format=widths, hrules=True))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), LATEX_TABLE: self.latex(), "text/plain": repr(self)}

    def __repr__(self) -> str:  # text/plain fallback
        return self.frame.to_string(index=False)


def show(name: str, columns: list[str] | None = None, caption: str | None = None, **where) -> Table:
    """A table of the package for display: optionally some ``columns``, and only the rows
    ``where`` column == value (or, given a list, column is one of its values)."""
    frame = data.load(name)
    for column, value in where.items():
        frame = frame[frame[column].isin(value) if isinstance(value, (list, tuple, set)) else frame[column] == value]
    frame = _translated(frame, name)
    return Table(frame[edition_columns(columns, frame.columns)] if columns else frame, caption, field_titles(name), [name])


def catalogue(data_dir=data.DATA_DIR) -> Table:
    """One row per table of the package: its file, title, number of records and description."""
    package = frictionless.Package(str(data_dir / data.PACKAGE_FILE))
    rows = [
        {
            i18n._("File"): f"data/{r.path}",
            i18n._("Title"): i18n.gettext(r.title),
            i18n._("Records"): len(data.load(r.name, data_dir)),
            i18n._("What it holds"): i18n.gettext(r.description),
        }
        for r in package.resources
    ]
    return Table(pd.DataFrame(rows))


def field_reference(data_dir=data.DATA_DIR) -> Table:
    """Every field of every table: its table, name, title, type, unit and description."""
    package = frictionless.Package(str(data_dir / data.PACKAGE_FILE))
    rows = [
        {
            i18n._("Table"): r.path,
            i18n._("Field"): f.name,
            i18n._("Title"): i18n.gettext(f.title),
            i18n._("Type"): f.type,
            i18n._("Unit"): f.to_descriptor().get("shifeng:unit", ""),
            i18n._("Description"): i18n.gettext(f.description),
        }
        for r in package.resources
        for f in r.schema.fields
    ]
    return Table(pd.DataFrame(rows), i18n.N_("Every field of the data package (from datapackage.json)"))


# --------------------------------------------------------------------------- combined tables


def timeline_events(caption: str) -> Table:
    """Every event of the timeline in date order."""
    events = _translated(data.load("timeline").sort_values("date", kind="stable"), "timeline")
    return Table(events[["date", "date_precision", "event_en", "source"]], caption, field_titles("timeline"), ["timeline"])


def context_events(caption: str) -> Table:
    """The events of the timeline that rest on sources other than the report, in date order."""
    events = _translated(data.load("timeline"), "timeline")
    context = events[events["source"] != data.REPORT_ID].sort_values("date", kind="stable")
    return Table(context[["date", "event_en", "source"]], caption, field_titles("timeline"), ["timeline"])


def frame_bodies(caption: str) -> Table:
    """The party bodies at the subdistrict, block and community level (the blocks' frame)."""
    orgs = data.load("organisations")
    bodies = _translated(orgs[orgs["level"].isin(["subdistrict", "block", "community"])], "organisations")
    return Table(bodies[edition_columns(["name_zh", "name_en", "level"], bodies.columns)], caption,
                 field_titles("organisations"), ["organisations"])


def lines_and_homes(caption: str) -> Table:
    """Each programme line beside the home that leads it: the report's two accounts."""
    lines = data.load("programme_lines")
    homes = data.load("homes")
    both = lines.merge(homes, on="line_id", suffixes=("_line", "_home"))
    both["named_en"] = [_home_named(h) for h in both.itertuples()]
    language = "en" if i18n.is_source() else "zh"
    titles = {
        f"name_{language}_line": i18n._("Line"),
        f"driver_{language}": i18n._("Driven by (first account)"),
        f"name_{language}_home": i18n._("Home that leads on it (second account)"),
        "named_en": i18n._("Bodies the report names for the home"),
    }
    return Table(both[list(titles)], caption, titles, ["programme_lines", "homes"])


def _home_named(home) -> str:
    """The bodies the report names for a home, each with its role; "no body named" where it names none."""
    parts = []
    for field, role in (("lead", i18n.N_("leads")), ("acting", i18n.N_("acts")), ("draws_on", i18n.N_("draws on")),
                        ("brings_along", i18n.N_("brings along")), ("takes_part", i18n.N_("takes part"))):
        value = getattr(home, f"{field}_en")
        if isinstance(value, str) and value.strip():
            parts.append(i18n._("{role}: {bodies}").format(role=i18n._(role), bodies=i18n.pick(home, field)))
    return i18n._("; ").join(parts) or i18n._("no body named")


def vocabulary(words: list[str], caption: str) -> Table:
    """Rows of the glossary, in the order given."""
    glossary = data.load("glossary").set_index("hanzi")
    missing = [w for w in words if w not in glossary.index]
    if missing:
        raise KeyError(f"not in data/glossary.csv: {', '.join(missing)}")
    frame = glossary.loc[words, ["pinyin", "english", "definition"]].reset_index()
    frame["definition"] = [i18n.glossary_definition(r.hanzi, r.pinyin, r.english, r.definition)
                           for r in frame.itertuples()]
    return Table(frame, caption, field_titles("glossary"), ["glossary"])


def blocks_compared(caption: str) -> Table:
    """The blocks started first: name, type, anchor, and their works counted by status."""
    blocks = data.load("blocks")
    blocks = blocks[blocks["started_2018"].fillna(False)].sort_values("report_order", kind="stable")
    works = data.load("block_works")
    statuses = data.enum("block_works", "status")
    counts = works.groupby(["block_id", "status"]).size().unstack(fill_value=0).reindex(columns=statuses, fill_value=0)
    columns = edition_columns(["name_en", "type_en", "anchor_zh"], blocks.columns)
    compare = blocks.set_index("block_id")[columns].join(counts)
    compare["total"] = compare[statuses].sum(axis=1)
    words = data.labels("block_works", "status")
    titles = (field_titles("blocks") | {s: i18n.sentence_case(i18n.gettext(words[s])) for s in statuses}
              | {"total": i18n._("Total")})
    return Table(compare.reset_index(drop=True), caption, titles, ["blocks", "block_works"])


