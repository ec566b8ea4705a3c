"""Seven readings a specialist found wrong (issue 12), each held to what the report says,
in the data and in the prose of both the chapters and the glossary, so that none comes back.

Each test names the report's own words that settle it. The prose checks look for the
wrong reading's words; the data checks look at the records the chapters and charts are
drawn from.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from shifeng import data, toc


@pytest.fixture(scope="module")
def prose() -> dict[str, str]:
    """Every page's source text, and the glossary's definitions, one space between words."""
    texts = {chapter.stem: chapter.source.read_text(encoding="utf-8") for chapter in toc.chapters()}
    texts["glossary.csv"] = "\n".join(data.load("glossary")["definition"].fillna(""))
    return {name: re.sub(r"\s+", " ", text) for name, text in texts.items()}


def said(prose: dict[str, str], pattern: str, unless: str | None = None) -> list[str]:
    """Where the prose says ``pattern`` (a regular expression, any case): page and words;
    not where its sentence, up to the match, says ``unless`` (a negation: "does not mean")."""
    found = []
    for name, text in prose.items():
        for match in re.finditer(pattern, text, re.I):
            sentence = text[:match.start()].rsplit(". ", 1)[-1]
            if unless and re.search(unless, sentence, re.I):
                continue
            found.append(f"{name}: ...{text[max(0, match.start() - 60):match.end() + 60]}...")
    return found


def test_1_the_three_funding_priorities_stand_side_by_side_unranked(prose):
    # 做到优先保障“必要民生”的实事项目、优先保障必须投入的环保项目、优先保障体现公平共享的必要公益项目
    priorities = data.load("funding_rules").query("kind == 'priority'")
    assert len(priorities) == 3 and all(name.startswith("priority:") for name in priorities["name_en"])
    assert not said(prose, r"were ranked|the ranking is|comes first and|(first|second|third) priority|"
                           r"ranked (first|second|third)")
    glossary = data.load("glossary").set_index("hanzi")
    assert "not the first of a ranking" in glossary.loc["必要民生", "definition"]


def test_2_the_homes_draw_on_bodies_they_are_not_led_by(prose):
    # 民生之家…发挥社会组织、党工委驻在机构、民政部门民生服务的职能; 匠人之家…发挥党管人才的组织优势
    homes = data.load("homes").set_index("home_id")
    for home, drawn_on in (("livelihoods", "社会组织"), ("craftsmen", "党管人才")):
        assert pd.isna(homes.loc[home, "lead_zh"]), f"{home}: the report names no body that leads it"
        assert drawn_on in homes.loc[home, "draws_on_zh"], home
    assert not said(prose, r"home led by|who leads them")


def test_3_government_departments_are_not_only_brought_along(prose):
    # 坚持党务政务部门联动联推; 各职能部门齐抓共管; 政府办参与
    assert not said(prose, r"appear only as bodies|only as bodies that are")


def test_4_haohuas_lamps_and_drainage_are_the_before_not_the_after(prose):
    # the before: 坑洼不平…路灯昏暗…排水不畅; the after: 铺装了道路和广场, the library, the reading corridor
    glossary = data.load("glossary").set_index("hanzi")
    definition = glossary.loc["昊华生活区", "definition"]
    assert "'before'" in definition and "does not say whether the lamps or the drainage were fixed" in definition
    assert not said(prose, r"(lighting|lamps|drainage)[^.]{0,40}\b(were|was) (renovated|fixed|improved|upgraded)",
                    unless=r"\bwhether\b")


def test_5_production_ended_in_qingshuitang_not_all_heavy_industry(prose):
    # the CRRC works of Tianxin, heavy industry too, are going concerns in the report
    assert not said(prose, r"heavy industry (closed|shut|ended)|district's (heavy )?industry closed")


def test_6_xianqi_shishi_le_is_carried_out_early_and_done(prose):
    # 先期实施了街区交通与城市管理及社会治安综合治理区域联合共治
    works = data.load("block_works").set_index("work_id")
    assert works.loc["tx-cogovernance", "verb_zh"] == "先期实施了"
    assert works.loc["tx-cogovernance", "status"] == "built"
    assert "carried out early" in works.loc["tx-cogovernance", "item_en"]
    # "pilot" may stand only in the sentence that says 先期实施了 does not mean it
    assert not said(prose, r"先期实施了[^.]{0,120}pilot|pilot[^.]{0,120}先期实施了", unless=r"does not mean")


def test_7_the_committees_count_a_sitting_one_and_not_the_whole_target_list(prose):
    # 火电新村业主委员会已选聘新物业公司: a sitting committee; …老旧小区中: those reported on, not all
    committees = data.load("owners_committees")
    assert "火电新村" in set(committees["estate_zh"])
    assert not said(prose, r"\b8 of 12\b|\b67 ?%")
    assert not said(prose, r"all (of )?the (old )?estates targeted|every estate targeted")
