"""``python -m shifeng.buildcache OUT``: drop stale execution results before a build.

jupyter-cache keys a notebook's outputs on the notebook's own text, and Sphinx
re-reads only pages whose source changed. What a page computes also depends on what
lies outside it, and a change there must not leave old outputs on the pages:

- the data (``data/``), the report its quotes are checked against, the bibliography;
- the shared package (``shifeng/``) and its chart style;
- what a page reads from the other pages: the table of contents, each chapter's
  teaching notes (front matter) and reading time (the teacher's guide shows them);
- the environment that draws: the installed Python packages and their versions, the
  Python version, and the font files matplotlib resolves for the book's fonts (a
  chart cached while the CJK font was missing shows empty boxes);
- the edition's language (``$SHIFENG_LANG``) and, for a translation, the catalogs its
  kernels read: the package's strings, the data's English text and the glossary's
  definitions (``locales/<language>/LC_MESSAGES/{shifeng,data,book/glossary}.po``).

:func:`inputs_hash` covers all of these. When it differs from the last build's, the
execution cache and the Sphinx environment are removed, and every page is executed
afresh. Fixing the environment and running ``make book`` again is enough: no ``make clean``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import shutil
import sys
from pathlib import Path

from shifeng.data import DATA_DIR, REPO_ROOT, report_path

STALE = [".jupyter_cache", "jupyter_execute", ".doctrees"]


def _files() -> list[Path]:
    files = sorted(DATA_DIR.rglob("*")) + sorted((REPO_ROOT / "shifeng").rglob("*"))
    files += [REPO_ROOT / "references.bib", REPO_ROOT / "requirements.txt", report_path()]
    return [p for p in files if p.is_file() and "__pycache__" not in p.parts]


def packages() -> list[str]:
    """``name==version`` of every installed distribution, sorted (the environment that draws)."""
    found = {f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()}
    return sorted(found)


def resolved_fonts() -> list[str]:
    """The font files matplotlib resolves for the book's fonts: path, size and modification time.

    Empty entries name fonts it cannot find, so installing one changes the hash too.
    """
    from shifeng import fonts, style

    lines = []
    for family in [style.CJK_FONT, "DejaVu Sans"]:
        for entry in fonts.entries(family) or [None]:
            if entry is None:
                lines.append(f"{family}: not found")
                continue
            path = Path(entry.fname)
            stat = path.stat() if path.exists() else None
            lines.append(f"{family}: {path} {entry.index} {stat.st_size if stat else '-'} {stat.st_mtime_ns if stat else '-'}")
    return sorted(lines)


def book_structure() -> list[str]:
    """What the teacher's guide reads of the other chapters: their order, teaching notes and reading times."""
    from shifeng import facts, toc

    lines = [f"{c.docname} {c.front_matter().get('teaching')}" for c in toc.chapters()]
    return lines + [f"{name} {value}" for name, value in sorted(facts.reading_times().items())]


def environment() -> list[str]:
    """Everything besides the sources that shapes what a page's cells output."""
    return [f"python {platform.python_version()}", *packages(), *resolved_fonts()]


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in _files():
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() if path.is_relative_to(REPO_ROOT) else path.name.encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    if not report_path().is_file():
        digest.update(b"no report")
    for line in environment() + book_structure():
        digest.update(line.encode() + b"\n")
    # an edition's kernels write in its language, from the package's catalog of that language
    from shifeng import i18n

    digest.update(f"language {i18n.current()}\n".encode())
    for domain in (i18n.PACKAGE_DOMAIN, i18n.DATA_DOMAIN, i18n.GLOSSARY_DOMAIN):
        catalog = i18n.catalog_path(i18n.current(), domain)
        if not i18n.is_source() and catalog.is_file():
            digest.update(catalog.read_bytes())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    build = Path(argv[0] if argv else ".") / "_build"
    stamp = build / ".inputs-hash"
    current = inputs_hash()
    if stamp.exists() and stamp.read_text() == current:
        return 0
    removed = [name for name in STALE if (build / name).exists()]
    for name in removed:
        shutil.rmtree(build / name)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    if removed:
        print(
            "the data, the shared code or the environment (packages, fonts) changed since the last build: "
            f"removed {', '.join(removed)} so that every page is executed again"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
