"""The evidence base: the real data is valid, and each kind of broken input is
stopped with a message naming the file, the row and the field."""

import os
import shutil
import subprocess
import sys

import pytest

from shifeng import data

REPO = data.REPO_ROOT


@pytest.fixture
def broken(tmp_path):
    """A copy of data/ to break; returns a function that edits one CSV by text replacement."""
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)

    def edit(filename, old, new):
        path = copy / filename
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test set-up: {old!r} not in {filename}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return copy

    return edit


def problems_of(data_dir):
    with pytest.raises(data.DataError) as caught:
        data.validate(data_dir)
    return caught.value.problems


def test_the_real_data_is_valid():
    data.validate()


def test_the_report_is_there_to_check_quotes_against():
    # In CI shared/ lies beside the clone; without it quotes could not be checked.
    if not data.report_path().exists() and not os.environ.get("CI"):
        pytest.skip(f"{data.report_path()} is absent on this machine")
    assert data.report_path().exists()


def test_every_table_loads_with_its_schema_types():
    for name in data.tables():
        frame = data.load(name)
        assert len(frame) > 0, name
    assert str(data.load("programme_lines")["project_count"].dtype) == "Int64"
    assert str(data.load("blocks")["started_2018"].dtype) == "boolean"


def test_the_report_figures_are_recorded():
    from shifeng.facts import all_facts

    facts = all_facts()
    assert (facts["subdistricts"], facts["communities"], facts["blocks"]) == (5, 33, 6)
    assert facts["blocks_started_2018"] == len(data.load("blocks")) == 4
    assert [facts[f"projects_{k}"] for k in ("living_environment", "grassroots_governance", "public_services")] == [40, 12, 8]
    assert (facts["staff_people"], facts["staff_blocks"], facts["staff_headquarters"], facts["staff_projects"]) == (12, 4, 2, 22)


def test_no_amount_of_money_is_recorded():
    assert not data.load("funding_channels")["amount_reported"].any()


def test_every_record_cites_a_source_and_quotes_it():
    for name in data.tables():
        frame = data.load(name)
        if "quote" in frame.columns:
            assert frame["source"].notna().all() and frame["quote"].str.len().gt(1).all(), name


def test_missing_column(broken):
    problems = problems_of(broken("homes.csv", "name_en,", ""))
    assert "data/homes.csv, row 1, field 'name_en': missing column" in problems


def test_wrong_type(broken):
    problems = problems_of(broken("key_figures.csv", "subdistricts,frame,5,", "subdistricts,frame,five,"))
    assert any(p.startswith("data/key_figures.csv, row 2, field 'value': type-error") and "'five'" in p for p in problems)


def test_unknown_block_id(broken):
    problems = problems_of(broken("block_works.csv", "jk-museum,jingkan,", "jk-museum,nowhere,"))
    assert any(p.startswith("data/block_works.csv, row 2, field 'block_id': foreign-key") and "nowhere" in p for p in problems)


def test_duplicate_id(broken):
    problems = problems_of(broken("block_works.csv", "jk-murals,", "jk-museum,"))
    assert any(p.startswith("data/block_works.csv, row 3, field 'work_id': unique-error") for p in problems)


def test_empty_quote(broken):
    problems = problems_of(broken("people.csv", ",石峰区区长邓元连在指导社区改造时提出要求", ","))
    assert any(p.startswith("data/people.csv, row 3, field 'quote'") for p in problems)


def test_out_of_range_value(broken):
    problems = problems_of(broken("programme_lines.csv", ",40,", ",-40,"))
    assert any(p.startswith("data/programme_lines.csv, row 2, field 'project_count': constraint-error") for p in problems)


def test_value_outside_its_enum(broken):
    problems = problems_of(broken("owners_committees.csv", "huodian,火电新村,Huodian (thermal power) new village,new_property_company_selected", "huodian,火电新村,Huodian (thermal power) new village,done"))
    assert any(p.startswith("data/owners_committees.csv, row 10, field 'status': constraint-error") for p in problems)


@pytest.mark.skipif(not data.report_path().exists(), reason="the report text is needed to check quotes")
def test_quote_not_in_the_report(broken):
    problems = problems_of(broken("people.csv", "居民李伟仪别提有多高兴了", "居民李伟仪非常高兴"))
    assert any(p.startswith("data/people.csv, row 4, field 'quote': cell-error: quote is not verbatim") for p in problems)


def test_quote_may_differ_in_whitespace_only(broken):
    data.validate(broken("people.csv", "居民李伟仪别提有多高兴了", "居民李伟仪 别提有多高兴了"))


def test_quote_made_only_of_spaces(broken):
    problems = problems_of(broken("people.csv", ",石峰区区长邓元连在指导社区改造时提出要求", ",   "))
    assert any(p.startswith("data/people.csv, row 3, field 'quote'") and "only spaces" in p for p in problems)


@pytest.mark.skipif(not data.report_path().exists(), reason="the report text is needed to check quotes")
def test_another_verbatim_column_holding_a_paraphrase(broken):
    # blocks.anchor_quote is documented (shifeng:verbatim) as a clause of the report, like quote
    bad = broken("blocks.csv", "依托老牌省属国企株洲化工厂的历史文化底蕴", "依托株洲化工厂的历史")
    problems = problems_of(bad)
    assert any(p.startswith("data/blocks.csv, row 2, field 'anchor_quote'") and "not verbatim" in p for p in problems)


def test_a_count_that_disagrees_with_its_own_quote(broken):
    problems = problems_of(broken("key_figures.csv", "communities,frame,33,", "communities,frame,34,"))
    assert any(p.startswith("data/key_figures.csv, row 3, field 'value'") and "34 does not appear" in p for p in problems)


def test_counts_are_found_in_digits_or_chinese_numerals():
    from shifeng.checks import number_in_text

    assert number_in_text(33, "将全区5个街道、33个社区所辖范围划成6大街区")
    assert number_in_text(12, "将十二名骨干") and number_in_text(40, "四十个项目") and number_in_text(2, "两个指挥部")
    assert number_in_text(3618, "10 estates and 3,618 households")
    assert not number_in_text(3, "33个社区") and not number_in_text(618, "3,618 households")
    assert not number_in_text(4, "四十个项目") and not number_in_text(34, "33个社区")


def test_a_table_emptied_to_its_header(broken):
    copy = broken("people.csv", "person_id", "person_id")
    path = copy / "people.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    problems = problems_of(copy)
    assert any(p.startswith("data/people.csv: empty-table") for p in problems)


def test_an_impossible_date(broken):
    problems = problems_of(broken("timeline.csv", "qingshuitang_pilot,2014,", "qingshuitang_pilot,2014-13-45,"))
    assert any(p.startswith("data/timeline.csv, row 3, field 'date'") and "not a real date" in p for p in problems)


def test_a_file_cut_off_in_its_last_cell(broken):
    copy = broken("estate_works.csv", "work_id", "work_id")
    path = copy / "estate_works.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    # the last record's quote, opened but cut off: csv readers would take what is there as the cell
    path.write_text(text[: text.rindex(",") + 1] + '"名为“株化记忆', encoding="utf-8")
    problems = problems_of(copy)
    rows = len(text.splitlines())
    assert any(p.startswith(f"data/estate_works.csv, row {rows}, field 'quote': format-error") for p in problems), problems


def test_a_file_in_another_encoding_is_named_with_its_row_and_field(broken):
    copy = broken("people.csv", "person_id", "person_id")
    path = copy / "people.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    problems = problems_of(copy)
    assert any(p.startswith("data/people.csv, row 2, field 'name_zh': encoding-error") for p in problems), problems


def _validate_command(env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SHIFENG_REQUIRE_REPORT")}
    env.update(SHIFENG_SOURCES=str(tmp_path / "no-report-here"), **env_extra)
    return subprocess.run([sys.executable, "-m", "shifeng.validate"], capture_output=True, text=True, env=env)


def test_without_the_report_a_reader_gets_a_warning_and_tests_an_error(tmp_path):
    reader = _validate_command({}, tmp_path)
    assert reader.returncode == 0 and "warning:" in reader.stderr and "not checked" in reader.stderr
    for strict in ({"SHIFENG_REQUIRE_REPORT": "1"}, {"CI": "true"}):
        run = _validate_command(strict, tmp_path)
        assert run.returncode == 1 and "error: the report" in run.stderr, strict


def test_the_landing_page_says_whether_the_quotes_were_checked(monkeypatch, tmp_path):
    from shifeng.ext import evidence

    assert "quotation in its data was checked" in evidence.quote_check_note() or not data.report_path().exists()
    monkeypatch.setenv("SHIFENG_SOURCES", str(tmp_path))
    note = evidence.quote_check_note()
    assert note.startswith("```{warning}") and "**not** checked" in note


@pytest.mark.parametrize("old, new, expected", [
    # a block with a second zone
    ("zone-tianxin,block_zone,田心街区,Tianxin block,tianxin,", "zone-tianxin,block_zone,田心街区,Tianxin block,jingkan,",
     "block 'tianxin' has 0 zones"),
    # a zone moved off its anchor
    ("tianxin,,27.89998,113.123854,2500", "tianxin,,27.91,113.123854,2500", "row 10, field 'lat': places-rule: a zone is centred"),
    # a zone narrower than its anchor's precision
    ("tianxin,,27.89998,113.123854,2500", "tianxin,,27.89998,113.123854,200", "row 10, field 'precision_m'"),
    # a published coordinate that does not convert to the recorded one
    ("27.89998,113.123854,300,weak,BD-09", "27.8999,113.123854,300,weak,BD-09", "row 5, field 'lat': places-rule: the published BD-09"),
    # a place with a published coordinate graded approximate
    ("300,weak,BD-09", "300,approximate,BD-09", "row 5, field 'location_quality'"),
    # a mapped place without its radius
    ("tianxin,,27.89998,113.123854,2500,", "tianxin,,27.89998,113.123854,,", "row 10, field 'precision_m': places-rule: a mapped place"),
])
def test_a_broken_places_rule_names_the_row_and_field(broken, old, new, expected):
    problems = problems_of(broken("places.csv", old, new))
    assert any(expected in p for p in problems), problems


def test_unknown_source_id(broken):
    problems = problems_of(broken("timeline.csv", ",hbxmad-2015,", ",no-such-source,"))
    assert any(p.startswith("data/timeline.csv, row 2, field 'source': foreign-key") for p in problems)


def test_validate_command_exits_non_zero_naming_file_row_field(broken):
    bad = broken("key_figures.csv", "communities,frame,33,", "communities,frame,many,")
    run = subprocess.run([sys.executable, "-m", "shifeng.validate", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "data/key_figures.csv, row 3, field 'value'" in run.stderr


def test_make_book_stops_before_building_on_bad_data(tmp_path):
    """A broken data file stops `make book` before any page is built: nothing half-built."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "*.egg-info", ".pytest_cache"))
    (copy / ".venv").symlink_to(REPO / ".venv")
    target = copy / "data" / "blocks.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("tianxin,田心街区", "jingkan,田心街区"), encoding="utf-8")
    # the editable install points at the real package; make it read the copy's data
    env = {**os.environ, "SHIFENG_DATA_DIR": str(copy / "data"), "SHIFENG_SOURCES": str(data.report_path().parent)}
    run = subprocess.run(["make", "book", f"OUT={tmp_path / 'out'}"], cwd=copy, capture_output=True, text=True, env=env)
    assert run.returncode != 0
    assert "data/blocks.csv, row 3, field 'block_id'" in run.stderr
    assert not (tmp_path / "out" / "_build").exists()


def test_bibliography_is_generated_from_the_sources_table():
    from shifeng import bib

    assert (REPO / "references.bib").read_text(encoding="utf-8") == bib.bibtex(), "run: python -m shifeng.bib"


def test_a_notebook_validates_again_unless_make_validated_these_very_files(broken, monkeypatch):
    bad = broken("blocks.csv", "tianxin,田心街区", "jingkan,田心街区")
    # make validated the real data: its fingerprint does not cover a changed copy
    monkeypatch.setenv(data.VALIDATED_ENV, data.fingerprint(data.DATA_DIR))
    data._validated.cache_clear()
    with pytest.raises(data.DataError):
        data.load("blocks", bad)
    # the fingerprint of exactly these files (what make passes after validating) skips it
    monkeypatch.setenv(data.VALIDATED_ENV, data.fingerprint(bad))
    data._validated.cache_clear()
    assert len(data.load("blocks", bad)) == 4
    data._validated.cache_clear()


def test_the_validate_command_prints_the_fingerprint_of_what_it_validated(broken):
    good = broken("people.csv", "居民李伟仪别提有多高兴了", "居民李伟仪 别提有多高兴了")
    run = subprocess.run([sys.executable, "-m", "shifeng.validate", "--fingerprint", str(good)], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == data.fingerprint(good)


def test_a_table_shows_true_and_false_as_yes_and_no_in_either_edition():
    from shifeng import i18n, tables

    english = tables.show("funding_channels").html()
    assert ">False<" not in english and ">True<" not in english, "Python's booleans, not words"
    assert ">No<" in english
    with i18n.language("zh_CN"):
        chinese = tables.show("funding_channels").html()
    assert ">否<" in chinese and ">No<" not in chinese


def test_a_coded_value_with_no_label_is_an_error(broken):
    problems = problems_of(broken("datapackage.json", '"election_completed": "election completed",', ""))
    assert any(p.startswith("data/datapackage.json, table 'owners_committees', field 'status': labels-rule: no label for election_completed")
               for p in problems), problems


def test_a_field_of_codes_with_no_labels_at_all_is_an_error(broken):
    import json

    copy = broken("datapackage.json", '"placeholder"', '"placeholder"')
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    field = next(f for r in package["resources"] if r["name"] == "owners_committees"
                 for f in r["schema"]["fields"] if f["name"] == "status")
    del field["shifeng:labels"]
    (copy / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    problems = problems_of(copy)
    assert any("field 'status': labels-rule: its values are codes (election_completed, " in p for p in problems), problems


def test_a_table_chart_and_map_name_a_coded_value_by_its_one_label_in_either_edition():
    from shifeng import charts, i18n, maps, tables

    english = tables.show("owners_committees").html()
    assert ">election completed<" in english and "election_completed<" not in english
    assert charts.COMMITTEE_STATUS["election_completed"][1] == "election completed"
    overview = maps.overview_map(asset_base=None).document
    assert "approximate, location unknown" in overview and "approximate: location unknown" not in overview
    assert "Built or done:" in maps.block_map("jingkan", asset_base=None).document
    with i18n.language("zh_CN"):
        chinese = tables.show("owners_committees").html()
        basis = tables.show("block_works").html()
        people = tables.show("people").html()
    assert ">选举已完成<" in chinese and "election_completed<" not in chinese
    assert ">报道的动词<" in basis
    assert ">official<" not in people
