"""The book's two editions: English, the source, and Simplified Chinese, its translation.

One source of text for both. The pages are translated by Sphinx's own i18n: their
messages are extracted with the gettext builder into ``.pot`` files, merged into
``locales/zh_CN/LC_MESSAGES/<page>.po`` by ``sphinx-intl`` and read back by Sphinx
when it builds the Chinese edition (``language: zh_CN``). What the shared package writes
into a page (chart and map labels, table headers and captions, dates) is translated
by the same means: its strings are marked ``_("...")``, extracted by Babel into
``locales/shifeng.pot`` and merged into ``locales/zh_CN/LC_MESSAGES/shifeng.po``.

The Chinese edition's notebooks run in kernels that know their language
(``SHIFENG_LANG=zh_CN``, set by the Makefile for that build): the same code reads the
same data and computes the same numbers, and labels them in Chinese. Data fields come
in pairs (``name_zh``, ``name_en``); :func:`pick` takes the edition's.

A message with no translation, or a fuzzy one (its English changed since it was
translated), is shown in English; :func:`missing` lists them, ``make test`` fails on
them (``python -m shifeng.i18n check``), and a plain build only reports them.

    python -m shifeng.i18n config zh_CN          the Chinese edition's _config.yml, on stdout
    python -m shifeng.i18n update                extract every message and merge the catalogs
    python -m shifeng.i18n check                 untranslated, fuzzy or broken messages (exit 1)
    python -m shifeng.i18n publish OUT           copy the Chinese HTML into OUT/_build/html/zh
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCALES = REPO_ROOT / "locales"
#: the catalog of the shared package's own strings (labels, captions, headers)
PACKAGE_DOMAIN = "shifeng"
LANG_ENV = "SHIFENG_LANG"
#: set to 1 by ``make test``: an untranslated or fuzzy message is a warning (the strict build fails)
REQUIRE_ENV = "SHIFENG_REQUIRE_TRANSLATIONS"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Edition:
    code: str  # Sphinx's language and the catalogs' folder
    html_lang: str  # <html lang>
    folder: str  # where the edition's HTML sits inside _build/html ("" for the source)
    name: str  # the edition's name in its own language, for the language switch
    suffix: str  # the data fields of this language: name_zh, name_en


EDITIONS = {
    "en": Edition("en", "en", "", "English", "en"),
    "zh_CN": Edition("zh_CN", "zh-CN", "zh", "中文", "zh"),
}
TRANSLATIONS = [code for code in EDITIONS if code != SOURCE_LANGUAGE]

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("shifeng_language", default=None)


def current() -> str:
    """The language being written: :func:`language`'s, else ``$SHIFENG_LANG``, else English."""
    code = _current.get() or os.environ.get(LANG_ENV) or SOURCE_LANGUAGE
    if code not in EDITIONS:
        raise ValueError(f"{LANG_ENV}={code!r}: the book has editions in {', '.join(EDITIONS)}")
    return code


def edition(code: str | None = None) -> Edition:
    return EDITIONS[code or current()]


def is_source() -> bool:
    return current() == SOURCE_LANGUAGE


@contextlib.contextmanager
def language(code: str):
    """Write in ``code`` inside the block (tests, and both editions from one process)."""
    if code not in EDITIONS:
        raise ValueError(f"no edition in {code!r}")
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


#: the catalog of the English text the data hold where they have no Chinese twin field
#: (a figure's label, an event, a field's title): see :data:`DATA_MESSAGES`
DATA_DOMAIN = "data"
#: the catalog of a glossary page's entries, whose Chinese definitions the key-term tables reuse
GLOSSARY_DOMAIN = "book/glossary"


def catalog_path(code: str, domain: str = PACKAGE_DOMAIN) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{domain}.po"


def _read(code: str, domain: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = catalog_path(code, domain)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


@cache
def _catalog(code: str) -> dict[str, str]:
    """msgid -> msgstr of the package's and the data's catalogs in ``code``: translated, not fuzzy."""
    return _read(code, DATA_DOMAIN) | _read(code, PACKAGE_DOMAIN)


_missing: set[str] = set()


def gettext(message: str) -> str:
    """``message`` in the current language; in English while it has no (current) translation.

    Under ``SHIFENG_REQUIRE_TRANSLATIONS=1`` (``make test``) a missing translation is a
    warning, which fails the strict build of the page that asked for it.
    """
    code = current()
    if code == SOURCE_LANGUAGE or not isinstance(message, str) or not message.strip():
        return message
    translated = _catalog(code).get(message)
    if translated is None:
        if message not in _missing and os.environ.get(REQUIRE_ENV) == "1" \
                and re.search(r"[A-Za-z]", message):
            import warnings

            warnings.warn(f"no {code} translation in locales/{code}/LC_MESSAGES/{{shifeng,data}}.po "
                          f"(run `make translations`): {message[:80]!r}", stacklevel=2)
        _missing.add(message)
        return message
    return translated


def glossary_definition(hanzi: str, pinyin: str, english: str, definition: str) -> str:
    """A glossary term's definition in the current language: the glossary page's own translation."""
    if is_source():
        return definition
    from shifeng.glossary import entry

    message = entry(hanzi, pinyin, english, definition).split("\n", 1)[1].strip()
    translated = _read(current(), GLOSSARY_DOMAIN).get(message)
    if translated is None:
        return gettext(definition)
    # "*pinyin*：english。definition": the definition is what follows the English rendering
    head = f"*{' '.join(pinyin.split())}*"
    rest = translated[len(head):].lstrip("：: ") if translated.startswith(head) else translated
    english_part = " ".join(english.split())
    if rest.startswith(english_part):
        rest = rest[len(english_part):].lstrip("。. ")
    return rest


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is defined; translate it where it is used."""
    return message


def named(zh: str, en: str, sep: str = " ") -> str:
    """A name as the edition writes it: ``井墈 Jingkan`` (or ``井墈 · Jingkan``) in English, the hanzi alone in Chinese."""
    return f"{zh}{sep}{en}" if is_source() else zh


def pick(record, field: str, default: str = "") -> str:
    """The edition's value of a paired field: ``record[field_zh]`` in Chinese, ``field_en`` in English.

    A Chinese edition falls back to the English value where the data have no Chinese one.
    """
    def value(name):
        found = record.get(name) if hasattr(record, "get") else getattr(record, name, None)
        return found if isinstance(found, str) and found.strip() else None

    own = value(f"{field}_{edition().suffix}")
    return own or value(f"{field}_en") or default


# --- dates ------------------------------------------------------------------------------

#: CLDR patterns (Babel) of a day, a month and a year alone, per edition: 29 October 2018, 2018年10月29日
DATE_PATTERNS = {"en": ("d MMMM y", "MMMM y", "y"), "zh_CN": ("y年M月d日", "y年M月", "y年")}


def date_text(iso: str) -> str:
    """``2018-10-29`` as the edition writes it: 29 October 2018, 2018年10月29日; a year or month alone too."""
    import datetime

    from babel.dates import format_date

    parts = [int(p) for p in iso.split("-")]
    day, month, year = DATE_PATTERNS[current()]
    pattern = {3: day, 2: month, 1: year}[len(parts)]
    return format_date(datetime.date(*parts, *[1] * (3 - len(parts))), pattern, locale=edition().code)


# --- the Chinese edition's configuration -------------------------------------------------


def edition_config(code: str, base: Path = REPO_ROOT / "_config.yml") -> dict:
    """The book's ``_config.yml`` for the edition ``code``: the same book, in that language."""
    import yaml

    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["language"] = code
    sphinx["locale_dirs"] = [str(LOCALES)]
    sphinx["gettext_compact"] = False
    # a fuzzy translation (its English changed) is not used: the page shows the English
    sphinx["gettext_allow_fuzzy_translations"] = False
    if code != SOURCE_LANGUAGE:
        # MyST-NB's toggle of a shown code cell: its own words, which no catalog translates
        sphinx["nb_code_prompt_show"] = CODE_PROMPTS[code][0]
        sphinx["nb_code_prompt_hide"] = CODE_PROMPTS[code][1]
        # in print, Chinese punctuation (quotes, dashes, ellipses) is full width and a hanzi
        # keeps xeCJK's space before a Latin letter, as Chinese typesetting wants: the English
        # edition's rules (the preamble's lines marked english-only) go
        latex = sphinx.setdefault("latex_elements", {})
        latex["preamble"] = "\n".join(line for line in latex.get("preamble", "").splitlines()
                                      if not line.rstrip().endswith(ENGLISH_ONLY))
        # chapters as the language numbers them (第1章, 附录A), from the catalog's own labels
        with language(code):
            chapter = gettext("Chapter {number}").split("{number}")
            appendix = gettext("Appendix {letter}").split("{letter}")
        latex["fncychap"] = ""
        latex["preamble"] += CHAPTER_HEADINGS % {
            "chapter_before": chapter[0], "chapter_after": chapter[-1],
            "appendix_before": appendix[0], "appendix_after": appendix[-1],
        }
        translate = gettext  # (not named gettext here: Babel would extract the arguments)
        with language(code):
            for key in CONFIG_MESSAGES:
                config[key] = translate(config[key])
            # the subtitle of the print edition's title page (CITATION.cff's title after the book's)
            sphinx["shifeng_pdf_subtitle"] = translate(citation_subtitle())
    # the bibliography and the book's own folders are found from the book's root
    config["bibtex_bibfiles"] = [str(REPO_ROOT / p) for p in config.get("bibtex_bibfiles", [])]
    sphinx["templates_path"] = [str(REPO_ROOT / p) for p in sphinx.get("templates_path", [])]
    return config


#: the mark of a line of the PDF preamble (``_config.yml``) that only the English edition keeps
ENGLISH_ONLY = "% english-only"

#: LaTeX for a translated edition's chapter labels: the heading of a chapter, its running
#: head (Sphinx's \@chappos, made for Japanese) and the parts without an English "Part"
CHAPTER_HEADINGS = r"""
\makeatletter
\addto\captionsenglish{\renewcommand{\partname}{}\renewcommand{\chaptername}{%(chapter_before)s}%%
  \renewcommand{\appendixname}{%(appendix_before)s}}
%% the gap after the label: Sphinx's running foot puts a space between it and the title, and
%% xeCJK drops a space between two hanzi (第 5 章四个街区); at the end of a heading's line it goes
\def\@chappos{%(chapter_after)s\hspace{0.5em}}
\g@addto@macro\appendix{\def\@chappos{%(appendix_after)s\hspace{0.5em}}}
\renewcommand{\@makechapterhead}[1]{\vspace*{24pt}{\parindent\z@\raggedright\normalfont
  \ifnum\c@secnumdepth>\m@ne\Large\bfseries\sffamily\@chapapp\thechapter\@chappos\par\nobreak\vskip 10pt\fi
  \interlinepenalty\@M\huge\bfseries\sffamily #1\par\nobreak\vskip 28pt}}
\renewcommand{\@makeschapterhead}[1]{\vspace*{24pt}{\parindent\z@\raggedright\normalfont
  \interlinepenalty\@M\huge\bfseries\sffamily #1\par\nobreak\vskip 28pt}}
\makeatother
"""

#: MyST-NB's "Show code cell source" in each translated edition ({type}: source or outputs)
CODE_PROMPTS = {"zh_CN": ("显示代码", "隐藏代码")}


# --- the catalogs: extract, merge, check -------------------------------------------------

#: MyST roles whose target must survive translation unchanged: {glue:}`key`, {term}`街区`
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
#: a role's target: the whole text, or what stands between <> in `title <target>`
TARGET = re.compile(r"<([^<>]+)>\s*$")


def role_targets(text: str) -> list[tuple[str, str]]:
    """(role, target) of every role in a message, sorted: what a translation must keep."""
    found = []
    for role, content in ROLE.findall(text):
        explicit = TARGET.search(content)
        target = explicit.group(1) if explicit else content
        if role in ("term",) and not explicit:
            target = content  # a glossary term is its hanzi: the same in both editions
        found.append((role, target.strip()))
    return sorted(found)


def message_problems(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with one translation: a role lost or changed, code or a link dropped."""
    problems = []
    if role_targets(msgid) != role_targets(msgstr):
        lost = sorted(set(role_targets(msgid)) - set(role_targets(msgstr)))
        added = sorted(set(role_targets(msgstr)) - set(role_targets(msgid)))
        problems.append(f"roles differ: missing {lost}, unexpected {added}")
    code_in = sorted(re.findall(r"(?<![`{}])`([^`{}]+)`(?!`)", ROLE.sub("", msgid)))
    code_out = sorted(re.findall(r"(?<![`{}])`([^`{}]+)`(?!`)", ROLE.sub("", msgstr)))
    if code_in != code_out:
        problems.append(f"inline code differs: {code_in} vs {code_out}")
    links_in = sorted(re.findall(r"\]\(([^)]+)\)", msgid))
    links_out = sorted(re.findall(r"\]\(([^)]+)\)", msgstr))
    if links_in != links_out:
        problems.append(f"link targets differ: {links_in} vs {links_out}")
    return problems


def reads_the_same_in_every_edition(msgid: str) -> bool:
    """A message with no Latin letter (a hanzi term, a number, a quotation): the same in Chinese."""
    return not re.search(r"[A-Za-z]", ROLE.sub("", msgid))


def catalogs(code: str = "zh_CN") -> list[Path]:
    return sorted((LOCALES / code / "LC_MESSAGES").rglob("*.po"))


def check(code: str = "zh_CN", paths: list[Path] | None = None) -> list[str]:
    """Every problem of the ``code`` catalogs (or of ``paths``): untranslated, fuzzy, broken markup, stale."""
    from babel.messages.pofile import read_po

    problems = []
    for path in paths or catalogs(code):
        path = Path(path).resolve()
        rel = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for m in catalog:
            if not m.id or not isinstance(m.id, str):
                continue
            where = f"{rel}:{m.lineno}"
            if m.fuzzy:
                problems.append(f"{where}: fuzzy (its English changed): {m.id[:70]!r}")
            elif not m.string:
                problems.append(f"{where}: untranslated: {m.id[:70]!r}")
            else:
                problems += [f"{where}: {p}: {m.id[:60]!r}" for p in message_problems(m.id, m.string)]
        obsolete = len(catalog.obsolete)
        if obsolete:
            problems.append(f"{rel}: {obsolete} obsolete message(s) (#~): run `make translations` to drop them")
    return problems


def gettext_config(execution_cache: Path) -> dict:
    """The English book's configuration for the gettext builder, sharing the English build's cache."""
    config = edition_config(SOURCE_LANGUAGE)
    config.setdefault("execute", {})["cache"] = str(execution_cache.resolve())
    sphinx = config["sphinx"]["config"]
    sphinx["gettext_uuid"] = False
    sphinx["gettext_location"] = False  # no line numbers in the catalogs: an edit above does not touch them
    # MyST-NB shows the gettext builder a notebook's text outputs only: keep its images, whose
    # alt text (a chart's or map's :alt:) is a message of the page
    sphinx["nb_mime_priority_overrides"] = [["gettext", "image/png", 5]]
    return config


#: the data's English text that a Chinese page shows and that has no Chinese twin field:
#: table -> fields (field titles and table descriptions come from datapackage.json)
DATA_MESSAGES = {
    "key_figures": ["label_en", "unit"],
    "homes": ["remit_en"],
    "organisations": ["role_en", "level"],
    "people": ["kind"],
    "pollution_actions": ["problem_en"],
    "timeline": ["event_en", "date_precision"],
    "places": ["basis"],
    "sources": ["title_en", "kind"],
    "funding_channels": ["level"],
    "funding_rules": ["kind"],
}


def translate_value(table: str, field: str, value):
    """A data value as the current edition shows it: a coded value as its label (the data
    package's ``shifeng:labels``, translated), the value of a field that :data:`DATA_MESSAGES`
    lists translated, any other value as it is."""
    from shifeng import data  # (data does not import this module: no cycle)

    if not isinstance(value, str):
        return value
    labels = data.labels(table, field)
    if labels:
        return gettext(labels[value])
    if field in DATA_MESSAGES.get(table, ()):
        return gettext(value)
    return value


def sentence_case(text: str) -> str:
    """``text`` with its first letter a capital ("Built or done"); Chinese is left as it is."""
    return text[:1].upper() + text[1:]


def data_messages(data_dir: Path | None = None) -> list[tuple[str, str]]:
    """(message, where) of every English text of the data a page may show: field titles,
    table titles and descriptions, the labels of coded values (``shifeng:labels``), and the
    values of :data:`DATA_MESSAGES`."""
    import json

    import pandas as pd

    from shifeng import checks

    data_dir = data_dir or REPO_ROOT / "data"
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for resource in package["resources"]:
        name = resource["name"]
        for key in ("title", "description"):
            if resource.get(key):
                found.setdefault(resource[key], f"datapackage.json: {name}.{key}")
        for f in resource["schema"]["fields"]:
            for key in ("title", "description"):
                if f.get(key):
                    found.setdefault(f[key], f"datapackage.json: {name}.{f['name']}.{key}")
            for code, words in (f.get(checks.LABELS) or {}).items():
                found.setdefault(words, f"datapackage.json: {name}.{f['name']} label of {code}")
        if name in DATA_MESSAGES:
            frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False)
            for field_name in DATA_MESSAGES[name]:
                for value in frame[field_name]:
                    if value.strip() and re.search(r"[A-Za-z]", value):
                        found.setdefault(value, f"data/{resource['path']}: {field_name}")
    return sorted(found.items())


def chapter_captions(book: Path = REPO_ROOT / "book") -> list[tuple[str, str]]:
    """(caption, where) of every table caption a chapter's code passes to :mod:`shifeng.tables`."""
    import ast
    import inspect

    import jupytext

    from shifeng import tables

    found = []
    for page in sorted(book.glob("*.md")):
        notebook = jupytext.read(page)
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for call in ast.walk(tree):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and isinstance(call.func.value, ast.Name) and call.func.value.id == "tables"):
                    continue
                function = getattr(tables, call.func.attr, None)
                if function is None:
                    continue
                try:
                    bound = inspect.signature(function).bind_partial(
                        *[a.value if isinstance(a, ast.Constant) else None for a in call.args],
                        **{k.arg: k.value.value if isinstance(k.value, ast.Constant) else None
                           for k in call.keywords if k.arg})
                except TypeError:
                    continue
                caption = bound.arguments.get("caption")
                if isinstance(caption, str) and caption.strip():
                    found.append((caption, f"{page.relative_to(REPO_ROOT)}: tables.{call.func.attr}"))
    # the teacher's guide's chapter map: what each chapter covers and its key question
    from shifeng import toc

    for chapter in toc.chapters():
        teaching = chapter.front_matter().get("teaching") or {}
        for key in ("covers", "question"):
            if teaching.get(key):
                found.append((teaching[key], f"{chapter.stem}.md: teaching.{key}"))
    return found


def _write_template(path: Path, messages: list[tuple[str, str]]) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="Shifeng Beautiful Communities")
    for message, where in messages:
        catalog.add(message, auto_comments=[where])
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76, sort_output=True, omit_header=False)


def update(code: str = "zh_CN", out: Path = REPO_ROOT / "_build" / "i18n") -> None:
    """Extract every message (the pages' and the package's) and merge them into the ``code`` catalogs.

    New messages arrive untranslated, changed ones fuzzy, and messages that read the same
    in every edition (a hanzi term, a number) translated as themselves.
    """
    import subprocess
    import sys

    import yaml

    bin_dir = Path(sys.executable).parent
    out.mkdir(parents=True, exist_ok=True)
    config_file = out / "_config.yml"
    config_file.write_text(yaml.safe_dump(gettext_config(REPO_ROOT / "_build" / ".jupyter_cache"),
                                          allow_unicode=True, sort_keys=False), encoding="utf-8")
    templates = out / "_build" / "gettext"
    import shutil

    # every page read again (the environment too): what is a message may have changed with the code
    for stale in (templates, out / "_build" / ".doctrees"):
        if stale.exists():
            shutil.rmtree(stale)
    env = dict(os.environ, **{LANG_ENV: SOURCE_LANGUAGE})
    subprocess.run([str(bin_dir / "jupyter-book"), "build", str(REPO_ROOT), "--config", str(config_file),
                    "--builder", "custom", "--custom-builder", "gettext", "--path-output", str(out), "-q"],
                   check=True, env=env)
    package_templates(templates)
    subprocess.run([str(bin_dir / "sphinx-intl"), "update", "-p", str(templates), "-l", code, "-d", str(LOCALES)],
                   check=True, stdout=subprocess.DEVNULL)
    prefill(code)


def package_templates(templates: Path) -> None:
    """The templates of the package's strings (Babel) and of the data's English text, into ``templates``."""
    import subprocess
    import sys

    templates.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "--no-location", "--sort-output",
                    "-k", "N_", "-k", "tr", "--project", "Shifeng Beautiful Communities",
                    "-o", str(templates / f"{PACKAGE_DOMAIN}.pot"), str(REPO_ROOT / "shifeng")], check=True)
    _add_config_messages(templates / f"{PACKAGE_DOMAIN}.pot")
    _write_template(templates / f"{DATA_DOMAIN}.pot", data_messages() + chapter_captions())


def citation_subtitle() -> str:
    """``a case study``: what CITATION.cff's title adds to the book's (``Shifeng ...: a case study``)."""
    import yaml

    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    title, full = config["title"], cff.get("title", "")
    return full[len(title):].lstrip(":–— ").strip() if full.startswith(title) else ""


#: the settings of ``_config.yml`` that an edition translates (see :func:`edition_config`)
CONFIG_MESSAGES = ("title", "author")


def _add_config_messages(pot: Path) -> None:
    """The book's title and author, from ``_config.yml``, into the package's template."""
    import yaml
    from babel.messages.pofile import read_po, write_po

    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    for key in CONFIG_MESSAGES:
        catalog.add(config[key], auto_comments=[f"_config.yml: {key}"])
    if citation_subtitle():
        catalog.add(citation_subtitle(), auto_comments=["CITATION.cff: title, after the book's title"])
    with pot.open("wb") as handle:
        write_po(handle, catalog, width=76, sort_output=True)


def prefill(code: str) -> int:
    """Translate as themselves the messages that read the same in every edition; returns how many."""
    from babel.messages.pofile import read_po, write_po

    filled = 0
    for path in catalogs(code):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        changed = bool(catalog.obsolete)
        catalog.obsolete.clear()  # messages no page has any more
        for m in catalog:
            if m.id and isinstance(m.id, str) and not m.string and not m.fuzzy and reads_the_same_in_every_edition(m.id):
                m.string = m.id
                changed = True
                filled += 1
        if changed:
            with path.open("wb") as handle:
                write_po(handle, catalog, width=76)
    return filled


def publish(out: Path, code: str = "zh_CN") -> Path:
    """Copy the ``code`` edition's HTML into the book's: ``OUT/_build/html/<folder>``."""
    import shutil

    source = out / "_build" / EDITIONS[code].folder / "_build" / "html"
    target = out / "_build" / "html" / EDITIONS[code].folder
    if not (source / "index.html").is_file():
        raise SystemExit(f"{source}: the {code} edition was not built (make book builds it)")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m shifeng.i18n", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    config = sub.add_parser("config")
    config.add_argument("code", choices=TRANSLATIONS)
    checking = sub.add_parser("check")
    checking.add_argument("catalogs", nargs="*", type=Path, help="these .po files only (default: all)")
    sub.add_parser("update")
    pub = sub.add_parser("publish")
    pub.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
        return 0
    if args.command == "publish":
        print(f"the Chinese edition: {publish(args.out)}")
        return 0
    if args.command == "config":
        import yaml

        sys.stdout.write(yaml.safe_dump(edition_config(args.code), allow_unicode=True, sort_keys=False))
        return 0
    if args.command == "check":
        problems = check(paths=args.catalogs or None)
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s) in the translations" if problems else "translations: complete")
        return 1 if problems else 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
