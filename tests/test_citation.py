"""CITATION.cff: valid Citation File Format (checked with cffconvert, as GitHub's
"Cite this repository" reads it), and in step with the book and the package."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest
import yaml
from cffconvert.cli.create_citation import create_citation
from jsonschema.exceptions import ValidationError

REPO = Path(__file__).resolve().parent.parent
CFF = REPO / "CITATION.cff"


def test_citation_cff_is_valid():
    create_citation(str(CFF), None).validate()  # raises on any schema error


def test_the_validator_rejects_a_broken_file(tmp_path):
    broken = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    del broken["authors"]
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="'authors' is a required property"):
        create_citation(str(path), None).validate()


def test_citation_matches_the_book_and_the_package():
    cff = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["title"].startswith(config["title"]), "CITATION.cff's title is not the book's"
    assert str(cff["version"]) == project["version"], "CITATION.cff and pyproject.toml give different versions"
    assert [a.get("name") for a in cff["authors"]] == [config["author"]], "CITATION.cff's authors are not the book's"
    datetime.date.fromisoformat(str(cff["date-released"]))
