"""The rules of evidence that frictionless does not know, as checks of the data package.

frictionless checks types, constraints, uniqueness and foreign keys from each table's
schema in ``data/datapackage.json``. The book's own rules are declared there too, as
field properties in the ``shifeng:`` namespace, and checked here:

- ``"shifeng:verbatim": true``: for a record whose ``source`` is the report, the cell
  is a verbatim quotation of it (whitespace aside). Every ``quote`` column has it, and
  so does any other column documented as quoting the report (``blocks.anchor_quote``).
- ``"shifeng:inQuote": "<field>"``: a count that must appear in that field's quotation,
  in digits (``33``, ``3,618``) or in Chinese numerals (``三``, ``十二``, ``四十``).
  Changing a figure without changing the words it rests on is an error.
- ``"shifeng:partialDate": true``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, and a real
  date (no 2014-13-45).
- ``"shifeng:quoteMarks": {"<value>": "<words>", ...}``: a coded value that the quotation
  must bear out, such as ``first_claim`` ``national``, whose quote must say 全国首个.
- ``"shifeng:labels": {"<value>": "<words>", ...}``: the words a reader sees for each
  value of a field's ``enum``, in tables, charts and maps alike (translated in the
  Chinese edition). It names every value of the enum and nothing else, and a field
  whose values are codes (a value with ``_``, such as ``election_completed``) must have
  it, so that no page prints a code (:func:`descriptor_problems`).

And for every table: no text cell made only of spaces (a blank quote is no quote), at
least one record (the book's figures come from the tables), and a file that is UTF-8
and well-formed CSV, checked before frictionless reads it. frictionless reads a file cut
off inside a quoted cell as if the cell ended there, and names a wrong encoding only by
a byte offset; :func:`file_problems` names the row and the field instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import frictionless

VERBATIM = "shifeng:verbatim"
IN_QUOTE = "shifeng:inQuote"
PARTIAL_DATE = "shifeng:partialDate"
QUOTE_MARKS = "shifeng:quoteMarks"
LABELS = "shifeng:labels"


def squash(text: str) -> str:
    """The text without whitespace: quotations may differ from the report in whitespace only."""
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- the file itself


def _record_fields(record_text: str) -> int:
    """How many cells a (possibly cut-off) CSV record starts, counting an unclosed last one."""
    return len(next(csv.reader(io.StringIO(record_text + '"')), []))


def file_problems(path: Path, label: str) -> list[str]:
    """Problems frictionless would miss or misplace in one CSV file: encoding, an unclosed
    quote, a header with no records. ``label`` names the file in messages (``data/x.csv``)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        before = raw[line_start : error.start].decode("utf-8", errors="replace")
        header = next(csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"))), [])
        column = _record_fields(before) - 1 if before else 0
        field = f", field '{header[column]}'" if 0 <= column < len(header) else ""
        return [
            f"{label}, row {row}{field}: encoding-error: byte {raw[error.start]:#04x} is not UTF-8 "
            f"(was the file saved in another encoding, such as GBK?): save it as UTF-8"
        ]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    records = 0
    last_end = 0
    try:
        for record in reader:
            if not header:
                header = record
            elif any(cell.strip() for cell in record):
                records += 1
            last_end = reader.line_num
    except csv.Error as error:
        row = last_end + 1
        rest = "\n".join(text.splitlines()[last_end:])
        column = _record_fields(rest) - 1
        field = f", field '{header[column]}'" if header and 0 <= column < len(header) else ""
        return [
            f"{label}, row {row}{field}: format-error: {error} (a quoted cell is not closed: "
            f"was the file cut off, or a \" left open?)"
        ]
    if header and records == 0:
        return [f"{label}: empty-table: the table has a header but no records (the book's figures come from it)"]
    return []


# --------------------------------------------------------------------------- numbers in words

_DIGITS = "零一二三四五六七八九"
_NUMERAL_CHARS = _DIGITS + "十百千万两"


def chinese_numerals(n: int) -> set[str]:
    """The ways Chinese text writes ``n`` (1-9999): 3 三; 12 十二, 一十二; 40 四十; 2 二, 两."""
    if not 0 < n < 10000:
        return set()
    parts = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n_rest = divmod(n, value)
        parts.append((digit, unit))
        n = n_rest
    spelled = ""
    zero_pending = False
    for digit, unit in parts:
        if digit == 0:
            zero_pending = bool(spelled)
            continue
        if zero_pending:
            spelled += "零"
            zero_pending = False
        spelled += _DIGITS[digit] + unit
    forms = {spelled}
    if spelled.startswith("一十"):
        forms.add(spelled[1:])  # 十二 beside 一十二
    if spelled == "二":
        forms.add("两")
    if spelled.startswith("二") and len(spelled) > 1 and spelled[1] in "百千":
        forms.add("两" + spelled[1:])
    return forms


def number_in_text(n: int, text: str) -> bool:
    """Whether ``text`` states the count ``n``, in digits or in Chinese numerals (as a whole number)."""
    digit_forms = {str(n), f"{n:,}"}
    for form in digit_forms:
        if re.search(rf"(?<!\d)(?<!\d[.,]){re.escape(form)}(?!\d|[.,]\d)", text):
            return True
    return any(
        re.search(rf"(?<![{_NUMERAL_CHARS}]){form}(?![{_NUMERAL_CHARS}])", text) for form in chinese_numerals(n)
    )


# --------------------------------------------------------------------------- the descriptor


def codes(field: dict) -> list[str]:
    """The values of a field descriptor's enum that are codes, not words (``election_completed``)."""
    return [v for v in (field.get("constraints") or {}).get("enum") or [] if isinstance(v, str) and "_" in v]


def descriptor_problems(descriptor: dict, label: str = "data/datapackage.json") -> list[str]:
    """The ``shifeng:labels`` rule (see the module), one message per field that breaks it."""
    problems = []
    for resource in descriptor.get("resources", []):
        for field in resource.get("schema", {}).get("fields", []):
            where = f"{label}, table '{resource.get('name')}', field '{field.get('name')}'"
            enum = (field.get("constraints") or {}).get("enum") or []
            labels = field.get(LABELS)
            if labels is None:
                if codes(field):
                    problems.append(f"{where}: labels-rule: its values are codes ({', '.join(codes(field))}): "
                                    f"give each value of the enum the words a reader sees, in {LABELS!r}")
                continue
            if not isinstance(labels, dict) or not all(isinstance(w, str) and w.strip() for w in labels.values()):
                problems.append(f"{where}: labels-rule: {LABELS!r} maps each value to non-empty words")
                continue
            missing = [v for v in enum if v not in labels]
            extra = [v for v in labels if v not in enum]
            if missing:
                problems.append(f"{where}: labels-rule: no label for {', '.join(map(str, missing))}")
            if extra:
                problems.append(f"{where}: labels-rule: a label for {', '.join(extra)}, which is not in the enum")
    return problems


# --------------------------------------------------------------------------- row checks


def _real_partial_date(value: str) -> bool:
    for shape in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            dt.datetime.strptime(value, shape)
        except ValueError:
            continue
        return re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) is not None
    return False


class BookRules(frictionless.Check):
    """The ``shifeng:`` field rules and the no-blank-text rule, row by row (see the module)."""

    type = "book-rules"
    Errors = [frictionless.errors.CellError]

    def __init__(self, schema: frictionless.Schema, report_id: str, report_text: str | None, report_name: str):
        super().__init__()
        self._text_fields = [f.name for f in schema.fields if f.type == "string"]
        self._verbatim = [f.name for f in schema.fields if f.to_descriptor().get(VERBATIM)]
        self._counts = [(f.name, f.to_descriptor()[IN_QUOTE]) for f in schema.fields if f.to_descriptor().get(IN_QUOTE)]
        self._dates = [f.name for f in schema.fields if f.to_descriptor().get(PARTIAL_DATE)]
        self._marks = {f.name: f.to_descriptor()[QUOTE_MARKS] for f in schema.fields if f.to_descriptor().get(QUOTE_MARKS)}
        self._report_id = report_id
        self._report = report_text
        self._report_name = report_name

    def _error(self, row, field: str, note: str):
        return frictionless.errors.CellError.from_row(row, note=note, field_name=field)

    def validate_row(self, row):
        for name in self._text_fields:
            value = row.get(name)
            if isinstance(value, str) and not value.strip():
                yield self._error(row, name, "the cell holds only spaces: write the text or leave it empty")
        if self._report is not None and row.get("source") == self._report_id:
            for name in self._verbatim:
                quote = row.get(name)
                if quote and quote.strip() and squash(quote) not in self._report:
                    yield self._error(row, name, f"quote is not verbatim in the report {self._report_name}: {quote[:40]!r}")
        for name, quote_field in self._counts:
            value, quote = row.get(name), row.get(quote_field) or ""
            if value is not None and not number_in_text(int(value), quote):
                yield self._error(
                    row, name,
                    f"the count {value} does not appear in its {quote_field!r} (in digits or Chinese numerals): "
                    f"{quote[:40]!r}",
                )
        for name, marks in self._marks.items():
            value, quote = row.get(name), row.get("quote") or ""
            if value in marks and marks[value] not in quote:
                yield self._error(row, name, f"{value!r} needs the words {marks[value]!r} in the quote: {quote[:40]!r}")
        for name in self._dates:
            value = row.get(name)
            if value and not _real_partial_date(value):
                yield self._error(row, name, f"{value!r} is not a real date written YYYY, YYYY-MM or YYYY-MM-DD")


# --------------------------------------------------------------------------- the places table

#: how far from the district's own coordinate a mapped place may lie
PLACES_RADIUS_M = 25_000
DISTRICT_PLACE = "district-seat"


def places_problems(places, blocks, actions, label: str = "data/places.csv") -> list[str]:
    """The rules that tie ``places.csv`` to itself and to the other tables, one message per
    broken rule, naming the row (the CSV line) and the field.

    - every block has exactly one zone (``kind`` block_zone), whose quality is
      ``approximate`` or ``placeholder``;
    - a place is mapped (any quality but ``not_mapped``) exactly when it has ``lat``,
      ``lon`` and ``precision_m``, and a mapped place lies within 25 km of the district;
    - a zone drawn around an anchor has the anchor's centre, a radius at least the
      anchor's precision, no published coordinate of its own, and an approximate quality;
    - a published coordinate, converted to WGS-84, is the recorded one (within 1 m);
    - a place with no published coordinate never claims a cited or weak one, and one
      with a published coordinate is graded cited, weak or very weak;
    - every pollution action has a row (mapped or said to be unmappable).
    """
    import pandas as pd

    from shifeng import geo

    problems = []
    rows = {pid: i + 2 for i, pid in enumerate(places["place_id"])}  # CSV line of each record

    def say(place_id, field, note):
        problems.append(f"{label}, row {rows[place_id]}, field '{field}': places-rule: {note}")

    by_id = places.set_index("place_id")
    zones = places[places["kind"] == "block_zone"]
    for block_id in blocks["block_id"]:
        own = zones[zones["block_id"] == block_id]
        if len(own) != 1:
            problems.append(f"{label}: places-rule: block {block_id!r} has {len(own)} zones (kind block_zone), not one")
    for z in zones.itertuples():
        if z.location_quality not in ("approximate", "placeholder"):
            say(z.place_id, "location_quality", f"a block's zone is approximate or a placeholder, not {z.location_quality!r}")
    seat = by_id.loc[DISTRICT_PLACE] if DISTRICT_PLACE in by_id.index else None
    for p in places.itertuples():
        mapped = p.location_quality != "not_mapped"
        for field in ("lat", "lon", "precision_m"):
            value = getattr(p, field)
            if mapped and pd.isna(value):
                say(p.place_id, field, f"a mapped place ({p.location_quality}) needs {field}")
            if not mapped and not pd.isna(value):
                say(p.place_id, field, f"a place that is not mapped has no {field}")
        if mapped and seat is not None and not pd.isna(p.lat) and not pd.isna(p.lon):
            away = geo.distance_m(seat["lat"], seat["lon"], p.lat, p.lon)
            if away > PLACES_RADIUS_M:
                say(p.place_id, "lat", f"{away / 1000:.0f} km from the district: more than {PLACES_RADIUS_M // 1000} km")
        published = isinstance(p.datum_as_published, str)
        if isinstance(p.anchor_place_id, str) and p.anchor_place_id in by_id.index:
            anchor = by_id.loc[p.anchor_place_id]
            if (p.lat, p.lon) != (anchor["lat"], anchor["lon"]):
                say(p.place_id, "lat", f"a zone is centred on its anchor {p.anchor_place_id!r}")
            if not pd.isna(p.precision_m) and p.precision_m < anchor["precision_m"]:
                say(p.place_id, "precision_m", f"a zone is at least as wide as its anchor's precision ({anchor['precision_m']} m)")
            if published:
                say(p.place_id, "datum_as_published", "a zone around an anchor has no published coordinate of its own")
            if p.location_quality not in ("approximate", "placeholder"):
                say(p.place_id, "location_quality", "a zone around an anchor is approximate or a placeholder")
        if published:
            numbers = [float(x) for x in re.findall(r"\d+\.\d+", p.value_as_published or "")]
            if len(numbers) != 2:
                say(p.place_id, "value_as_published", "a published coordinate holds two numbers")
            elif p.datum_as_published == "BD-09" or p.datum_as_published.startswith("WGS-84"):
                if p.datum_as_published == "BD-09":
                    lon, lat = numbers  # Baidu's order, as published
                    lat, lon = geo.bd09_to_wgs84(lat, lon)
                else:
                    lat, lon = numbers
                if geo.distance_m(lat, lon, p.lat, p.lon) > 1:
                    say(p.place_id, "lat", f"the published {p.datum_as_published} coordinate, converted, is not the recorded one")
            if p.location_quality not in ("cited", "weak", "very_weak"):
                say(p.place_id, "location_quality", "a published coordinate is graded cited, weak or very_weak")
        elif p.location_quality in ("cited", "weak", "very_weak"):
            say(p.place_id, "location_quality", "a place with no published coordinate cannot be cited, weak or very_weak")
    missing = sorted(set(actions["action_id"]) - set(places["action_id"].dropna()))
    if missing:
        problems.append(f"{label}: places-rule: pollution actions with no row (mapped or not): {', '.join(missing)}")
    return problems
