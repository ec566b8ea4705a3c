"""Load the book's evidence base (``data/``) once, validated.

The data is a Frictionless Data Package. :func:`validate` runs frictionless over
every resource (types, constraints, uniqueness, foreign keys) plus one check of
our own: a record whose ``source`` is the primary report must quote it
verbatim. Any problem raises :class:`DataError` whose message names the file,
the row (the line number in the CSV file) and the field.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from functools import cache
from pathlib import Path

import frictionless
import pandas as pd

from shifeng import checks

REPO_ROOT = Path(__file__).resolve().parent.parent
# SHIFENG_DATA_DIR lets a test point the whole build at a (broken) copy of data/
DATA_DIR = Path(os.environ.get("SHIFENG_DATA_DIR") or REPO_ROOT / "data")
PACKAGE_FILE = "datapackage.json"

#: id of the primary source (the 2018-10-29 report) in ``data/sources.csv``
REPORT_ID = "zzrb2018"
REPORT_FILENAME = "shifeng-beautiful-communities-2018-10-29.zh.txt"


class DataError(ValueError):
    """The data package is malformed or inconsistent; the message says where."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the data package:"
        super().__init__("\n".join([head, *("  " + p for p in problems)]))


def report_path() -> Path:
    """Where the primary report's text is: ``$SHIFENG_SOURCES`` or ``../shared/sources``."""
    base = os.environ.get("SHIFENG_SOURCES") or REPO_ROOT.parent / "shared" / "sources"
    return Path(base) / REPORT_FILENAME


@cache
def _report_text(path: Path) -> str | None:
    return checks.squash(path.read_text(encoding="utf-8")) if path.exists() else None


def _describe(resource_path: str, error: dict) -> str:
    where = [f"data/{resource_path}"]
    if error.get("rowNumber"):
        where.append(f"row {error['rowNumber']}")
    fields = error.get("fieldNames") or ([error["fieldName"]] if error.get("fieldName") else [])
    if fields:
        where.append("field " + ", ".join(f"'{name}'" for name in fields))
    detail = error["note"] or error["message"]
    if error.get("cell"):
        detail += f" (value {error['cell']!r})"
    return f"{', '.join(where)}: {error['type']}: {detail}"


def _column_problems(path: Path, resource) -> list[str]:
    """Name the missing and unexpected columns outright (frictionless reports shifted labels)."""
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    expected = resource.schema.field_names
    missing = [name for name in expected if name not in header]
    extra = [name for name in header if name not in expected]
    found = [f"data/{resource.path}, row 1, field '{name}': missing column" for name in missing]
    found += [f"data/{resource.path}, row 1, field '{name}': unexpected column" for name in extra]
    return found


def validate(data_dir: Path | str = DATA_DIR) -> None:
    """Validate the whole package; raise :class:`DataError` naming every problem.

    Each CSV file is first read as UTF-8 CSV (:func:`shifeng.checks.file_problems`); a
    file that fails is not handed to frictionless, whose errors would only echo it. Then
    frictionless checks each table's schema and the book's rules (:class:`shifeng.checks.BookRules`).
    """
    data_dir = Path(data_dir)
    descriptor = data_dir / PACKAGE_FILE
    if not descriptor.exists():
        raise DataError([f"{descriptor}: the package descriptor is missing"])
    report = _report_text(report_path())
    try:
        package = frictionless.Package(str(descriptor))
    except frictionless.FrictionlessException as error:
        raise DataError([f"data/{PACKAGE_FILE}: {error.error.type}: {error.error.note}"]) from None
    problems = checks.descriptor_problems(json.loads(descriptor.read_text(encoding="utf-8")))
    for resource in package.resources:
        unreadable = checks.file_problems(data_dir / resource.path, f"data/{resource.path}")
        if unreadable:
            problems.extend(unreadable)
            continue
        # Resource by resource: Package.validate rebuilds the checklist from its
        # descriptor and so drops a custom check. Foreign keys are still checked
        # because each resource knows its package.
        rules = checks.BookRules(resource.schema, REPORT_ID, report, REPORT_FILENAME)
        result = resource.validate(checklist=frictionless.Checklist(checks=[rules]))
        for task in result.tasks:
            labels_broken = any("#header" in e.tags for e in task.errors)
            if labels_broken:
                problems.extend(_column_problems(data_dir / resource.path, resource))
            for error in task.errors:
                # a broken header shifts every row: report the header alone
                if labels_broken and "#header" not in error.tags:
                    continue
                problems.append(_describe(resource.path, error.to_descriptor()))
        problems.extend(f"data/{resource.path}: {e.type}: {e.note}" for e in result.errors)
    if not problems:  # the rules across tables need tables that are valid on their own
        problems.extend(_cross_table_problems(data_dir))
    if problems:
        raise DataError(problems)


def _cross_table_problems(data_dir: Path) -> list[str]:
    read = lambda name: _read(name, data_dir)  # noqa: E731
    return checks.places_problems(read("places"), read("blocks"), read("pollution_actions"))


#: set by ``make`` to the :func:`fingerprint` of the data it has just validated
VALIDATED_ENV = "SHIFENG_DATA_VALIDATED"


def fingerprint(data_dir: Path | str = DATA_DIR) -> str:
    """A hash of every file of the package and of the report the quotes are checked against."""

    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    report = report_path()
    digest.update(report.read_bytes() if report.exists() else b"no report")
    return digest.hexdigest()


@cache
def _validated(data_dir: Path) -> None:
    # The build validates once, before any notebook runs, and hands its kernels the
    # fingerprint of what it validated: a kernel re-validates only if the files differ
    # (or when the loader is used outside the build).
    if os.environ.get(VALIDATED_ENV) == fingerprint(data_dir):
        return
    validate(data_dir)


def load(name: str, data_dir: Path | str = DATA_DIR) -> pd.DataFrame:
    """One table of the package as a DataFrame, after the package is validated.

    Types follow the table's schema: integers as nullable ``Int64``, booleans as
    ``boolean``, strings as ``str`` with missing values as ``<NA>``.
    """
    data_dir = Path(data_dir).resolve()
    _validated(data_dir)
    return _read(name, data_dir)


def _read(name: str, data_dir: Path) -> pd.DataFrame:
    package = frictionless.Package(str(data_dir / PACKAGE_FILE))
    resource = package.get_resource(name)
    dtypes = {}
    for field in resource.schema.fields:
        dtypes[field.name] = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(
            field.type, "string"
        )
    frame = pd.read_csv(
        data_dir / resource.path,
        dtype={k: v for k, v in dtypes.items() if v != "boolean"},
        keep_default_na=False,
        na_values=[""],
        true_values=["true"],
        false_values=["false"],
    )
    for column, dtype in dtypes.items():
        if dtype == "boolean":
            frame[column] = frame[column].astype("boolean")
    return frame


def enum(table: str, field: str, data_dir: Path | str = DATA_DIR) -> list[str]:
    """The allowed values of a field, in the order the data package lists them (a status, a kind...)."""
    package = frictionless.Package(str(Path(data_dir) / PACKAGE_FILE))
    return list(package.get_resource(table).schema.get_field(field).constraints["enum"])


@cache
def _labels(descriptor: Path, stamp: tuple[int, int]) -> dict[tuple[str, str], dict[str, str]]:
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    return {(r["name"], f["name"]): {v: f[checks.LABELS][v] for v in f["constraints"]["enum"]}
            for r in package["resources"] for f in r["schema"]["fields"] if checks.LABELS in f}


def labels(table: str, field: str, data_dir: Path | str = DATA_DIR) -> dict[str, str]:
    """The English words a reader sees for each coded value of a field (its ``shifeng:labels``),
    in the enum's order; empty for a field whose values are shown as they are."""
    descriptor = Path(data_dir) / PACKAGE_FILE
    stat = descriptor.stat()
    return dict(_labels(descriptor, (stat.st_mtime_ns, stat.st_size)).get((table, field), {}))


def tables(data_dir: Path | str = DATA_DIR) -> list[str]:
    """Names of the package's resources, in descriptor order."""
    return [r.name for r in frictionless.Package(str(Path(data_dir) / PACKAGE_FILE)).resources]


def figure(figure_id: str, data_dir: Path | str = DATA_DIR) -> int:
    """One value of ``key_figures`` (e.g. ``figure("communities")`` is 33)."""
    frame = load("key_figures", data_dir).set_index("figure_id")
    return int(frame.loc[figure_id, "value"])
