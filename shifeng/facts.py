"""The facts layer: every number, date and derived claim a page of the book shows.

Each fact is computed here once, under one name, from structured fields of the data
package (never from prose), and pages show it with ``{glue:}`name```. A page's first
cell calls :func:`glue_all`; nothing else in a chapter computes.

Names follow the data: ``communities`` is a row of ``key_figures``; ``projects_<line>``
a programme line; ``works_<status>`` the block works by status; ``<block>_<status>``
one block's; ``people_<kind>`` the people the report names; ``<event>_year`` and
``<event>_date`` the timeline; ``minutes_<chapter>`` the teacher's guide's reading times.
A claim in words ("the block with the most works built") is a fact too
(``block_most_built``), and so is a share written as a percentage.

``tests/test_facts.py`` renders every fact a page glues and compares it with what the
built page shows.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pandas as pd

from shifeng import data, toc

#: a fact is a whole number or a text (a date, a share, a name)
Value = int | str


class FactError(ValueError):
    """A fact cannot be computed from the data as it is (the message says which and why)."""


# --------------------------------------------------------------------------- helpers


def _counts(frame: pd.DataFrame, column: str, prefix: str, values: list[str]) -> dict[str, int]:
    """``{prefix_value: count}`` for every allowed value of ``column``, zeros included."""
    counted = frame[column].value_counts()
    return {f"{prefix}_{value}": int(counted.get(value, 0)) for value in values}


def day(date: str) -> str:
    """``2018-10-29`` as the edition writes it: ``29 October 2018``, ``2018年10月29日``."""
    from shifeng import i18n

    return i18n.date_text(str(pd.Timestamp(date).date()))


def _only(winners: list[str], claim: str) -> str:
    if len(winners) != 1:
        raise FactError(f"{claim}: {len(winners)} candidates ({', '.join(winners)}); the prose claims one")
    return winners[0]


# --------------------------------------------------------------------------- by topic


def frame(data_dir) -> dict[str, Value]:
    """The report's key figures, and what follows from them."""
    values = {row.figure_id: int(row.value) for row in data.load("key_figures", data_dir).itertuples()}
    values["blocks_unnamed"] = values["blocks"] - values["blocks_started_2018"]
    values["sources_cited"] = len(data.load("sources", data_dir))
    values["context_sources"] = int((data.load("sources", data_dir)["kind"] != "primary").sum())
    return values


def programme(data_dir) -> dict[str, Value]:
    """Programme lines, the homes and the staff the Home of Craftsmen posted."""
    lines = data.load("programme_lines", data_dir)
    values: dict[str, Value] = {f"projects_{r.line_id}": int(r.project_count) for r in lines.itertuples()}
    values["projects_total"] = int(lines["project_count"].sum())
    values["homes_count"] = len(data.load("homes", data_dir))
    key = {row.figure_id: int(row.value) for row in data.load("key_figures", data_dir).itertuples()}
    postings = key["staff_blocks"] + key["staff_headquarters"] + key["staff_projects"]
    values["staff_postings"] = postings
    values["postings_per_person"] = f"{postings / key['staff_people']:.1f}"
    values["projects_gap"] = values["projects_living_environment"] - key["staff_projects"]
    # the projects lie inside the blocks: per person, the projects alone are the fair count
    values["projects_per_person"] = f"{key['staff_projects'] / key['staff_people']:.1f}"
    return values


def people(data_dir) -> dict[str, Value]:
    frame_ = data.load("people", data_dir)
    values: dict[str, Value] = _counts(frame_, "kind", "people", data.enum("people", "kind", data_dir))
    values["people_named"] = len(frame_)
    return values


def committees(data_dir) -> dict[str, Value]:
    """Owners' committees in the old estates the report names, and the news item's list beside it."""
    table = data.load("owners_committees", data_dir)
    statuses = data.enum("owners_committees", "status", data_dir)
    values: dict[str, Value] = _counts(table, "status", "committees", statuses)
    values["estates_named"] = len(table)
    share = values["committees_election_completed"] / len(table)
    values["committees_completed_share"] = f"{share:.0%}"
    in_office = int(table["committee_in_office"].sum())
    values["committees_in_office"] = in_office
    values["committees_in_office_share"] = f"{in_office / len(table):.0%}"
    news = data.load("news_estates", data_dir)
    values["news_estates"] = len(news)
    values["news_estates_in_report"] = int(news["committee_estate_id"].notna().sum())
    values["news_estates_not_in_report"] = int(news["committee_estate_id"].isna().sum())
    return values


def blocks(data_dir) -> dict[str, Value]:
    """The works of the blocks started first: by status, by block, the 'firsts', and who has most."""
    blocks_ = data.load("blocks", data_dir)
    started = blocks_[blocks_["started_2018"].fillna(False)].sort_values("report_order", kind="stable")
    works = data.load("block_works", data_dir)
    statuses = data.enum("block_works", "status", data_dir)
    levels = data.enum("block_works", "first_claim", data_dir)
    values: dict[str, Value] = _counts(works, "status", "works", statuses)
    values["works_total"] = len(works)
    certain = works[works["first_claim_scope"] == "certain"]
    values.update(_counts(certain, "first_claim", "firsts", levels))
    values["firsts_total"] = len(certain)
    values["firsts_possible"] = int((works["first_claim_scope"] == "possible").sum())
    values["firsts_at_most"] = values["firsts_total"] + values["firsts_possible"]
    values["works_reading"] = int((works["status_basis"] == "reading").sum())
    for block in started.itertuples():
        own = works[works["block_id"] == block.block_id]
        values.update(_counts(own, "status", block.block_id, statuses))
        values[f"{block.block_id}_total"] = len(own)
        values[f"{block.block_id}_firsts"] = int((own["first_claim_scope"] == "certain").sum())
    from shifeng import i18n

    # the block's name as the edition writes it: "Tianxin" (from "Tianxin block"), 田心 (from 田心街区)
    names = started.set_index("block_id")["name_en" if i18n.is_source() else "name_zh"]
    by_block = {b: works[works["block_id"] == b] for b in started["block_id"]}
    done = statuses[0]  # the first status of the schema: what the report says was done
    most = max(len(w[w["status"] == done]) for w in by_block.values())
    values["block_most_built"] = names[_only([b for b, w in by_block.items() if len(w[w["status"] == done]) == most],
                                               "the block with the most works built")].removesuffix(" block").removesuffix("街区")
    shares = {b: len(w[w["status"] == "planned"]) / len(w) for b, w in by_block.items() if len(w)}
    top = max(shares.values())
    values["block_largest_share_planned"] = names[
        _only([b for b, s in shares.items() if s == top], "the block with the largest share planned")
    ].removesuffix(" block").removesuffix("街区")
    return values


def money(data_dir) -> dict[str, Value]:
    channels = data.load("funding_channels", data_dir)
    rules = data.load("funding_rules", data_dir)
    return {
        "programmes_count": len(data.load("funding_programmes", data_dir)),
        "priorities_count": int((rules["kind"] == "priority").sum()),
        "channels_with_amount": int(channels["amount_reported"].sum()),
    }


def pollution(data_dir) -> dict[str, Value]:
    actions = data.load("pollution_actions", data_dir)
    counted = actions[actions["outfall_count"].notna()]
    values: dict[str, Value] = {
        "pollution_sites": len(actions),
        "sites_with_count": len(counted),
        "sites_without_count": len(actions) - len(counted),
        "waters_named": int(actions["water_zh"].nunique()),
        "outfalls_total": int(counted["outfall_count"].sum()),
    }
    values.update({f"outfalls_{r.action_id}": int(r.outfall_count) for r in counted.itertuples()})
    return values


def timeline(data_dir) -> dict[str, Value]:
    """Every event's year; a day-precise event's date in words; the days from the report to the smelter's closure."""
    events = data.load("timeline", data_dir)
    values: dict[str, Value] = {}
    for event in events.itertuples():
        values[f"{event.event_id}_year"] = int(event.date[:4])
        if event.date_precision == "day":
            values[f"{event.event_id}_date"] = day(event.date)
    dates = events.set_index("event_id")["date"]
    values["days_report_to_closure"] = (pd.Timestamp(dates["zhuye_closure"]) - pd.Timestamp(dates["report"])).days
    for source in data.load("sources", data_dir).itertuples():
        if isinstance(source.date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.date):
            values[f"{source.source_id.replace('-', '_')}_date"] = day(source.date)
    return values


#: reading speed for the teacher's guide: slower than for ordinary prose, because the
#: chapters mix English with Chinese terms, quotations and tables
WORDS_PER_MINUTE = 150


def prose_words(text: str) -> int:
    """Words a student reads: no front matter, code or directive options; a run of up to
    four Chinese characters counts as one word."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    text = re.sub(r"^:[a-z-]+:.*$", "", text, flags=re.M)
    return len(re.findall(r"[A-Za-z0-9’'-]+|[\u4e00-\u9fff]{1,4}", text))


def reading_times() -> dict[str, Value]:
    """Minutes to read each chapter of ``_toc.yml`` (rounded up to 5), the whole case, and a one-class pair."""
    minutes = {}
    for chapter in toc.chapters():
        if chapter.numbered or chapter.stem.startswith("appendix"):
            words = prose_words(chapter.source.read_text(encoding="utf-8"))
            minutes[chapter] = 5 * math.ceil(words / WORDS_PER_MINUTE / 5)
    values: dict[str, Value] = {"words_per_minute": WORDS_PER_MINUTE}
    for chapter, value in minutes.items():
        values[f"minutes_{chapter.stem.split('-')[0]}"] = value
    case = [c for c in minutes if c.numbered]
    values["minutes_case"] = sum(minutes[c] for c in case)
    values["minutes_class"] = minutes[case[0]] + minutes[case[-1]]  # the context and the critical reading
    return values


def places(data_dir) -> dict[str, Value]:
    """How far Chinese map services shift a point around Shifeng (GCJ-02 from WGS-84), to ten metres."""
    from shifeng import geo

    seat = data.load("places", data_dir).set_index("place_id").loc["district-seat"]
    lat, lon = geo.wgs84_to_gcj02(float(seat["lat"]), float(seat["lon"]))
    return {"datum_shift_m": int(round(geo.distance_m(float(seat["lat"]), float(seat["lon"]), lat, lon), -1))}


TOPICS = [frame, programme, people, committees, blocks, money, pollution, timeline, places]


@cache
def _all(data_dir: Path) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for topic in TOPICS:
        for name, value in topic(data_dir).items():
            if name in values:
                raise FactError(f"the fact {name!r} is computed twice ({topic.__name__} and earlier)")
            values[name] = value
    if toc.TOC_FILE.is_file():  # the book's own reading times (a reader's notebook has no table of contents)
        values.update(reading_times())
    return values


def all_facts(data_dir: Path | str = data.DATA_DIR) -> dict[str, Value]:
    """Every fact, by name."""
    return dict(_all(Path(data_dir).resolve()))


def fact(name: str, data_dir: Path | str = data.DATA_DIR) -> Value:
    values = all_facts(data_dir)
    if name not in values:
        raise KeyError(f"no fact {name!r}; the facts are computed in shifeng/facts.py")
    return values[name]


class ProseText(str):
    """Text glued into prose: shown as it is (no quotes, not bold like a code output)."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def shown(value: Value) -> str:
    """How a fact reads on the page."""
    return str(value)


def glue_all(data_dir: Path | str = data.DATA_DIR) -> None:
    """Glue every fact for ``{glue:}`name``` in the page's prose (and show nothing)."""
    from myst_nb import glue

    for name, value in all_facts(data_dir).items():
        glue(name, value if isinstance(value, int) else ProseText(value), display=False)
