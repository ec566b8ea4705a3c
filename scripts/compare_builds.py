#!/usr/bin/env python3
"""Compare two builds of the book, file by file: a reproducible build gives identical files.

    python scripts/compare_builds.py A B      # A, B: OUT folders (holding _build/html) or html folders
    python scripts/compare_builds.py --build  # two fresh clones of HEAD, each built as a new user would, compared

Only the HTML output is compared (pages, images, data files, search index); Sphinx's
``.buildinfo`` and the ``.doctrees``/``jupyter_execute``/``.jupyter_cache`` folders
beside it are build state, not the book. Nothing is normalised: a byte that differs is
reported, with a short diff for text files. Exit status 0 when identical, 1 when not.

``make repro`` runs the ``--build`` form: it clones the last commit twice, into folders
whose paths differ in length, and runs ``make book`` in each as a new user would (its
own ``.venv``, an empty matplotlib cache), then compares the two ``_build/html``
folders, ``_sources`` included. Uncommitted changes are not in the clones. The two
temporary folders are removed when the builds are identical and kept (and named) when
they are not.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORED_NAMES = {".buildinfo"}
TEXT_SUFFIXES = {".html", ".js", ".css", ".txt", ".md", ".json", ".csv", ".svg", ".xml", ".ipynb", ".bib", ".py"}


def html_dir(path: Path) -> Path:
    """Accept an OUT folder, its _build, or the html folder itself."""
    for candidate in (path / "_build" / "html", path / "html", path):
        if (candidate / "index.html").exists():
            return candidate
    raise SystemExit(f"{path}: no built book (index.html) found")


def files_of(root: Path) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and path.name not in IGNORED_NAMES:
            found[path.relative_to(root).as_posix()] = path
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_diff(a: Path, b: Path, context: int = 0, limit: int = 12) -> list[str]:
    left = a.read_text(encoding="utf-8", errors="replace").splitlines()
    right = b.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = list(difflib.unified_diff(left, right, "first", "second", n=context, lineterm=""))[2:]
    shown = [line[:200] for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"... ({len(lines) - limit} more diff lines)")
    return shown


def compare(first: Path, second: Path) -> list[str]:
    """Every difference between two html folders, one entry (with details) each; [] if identical."""
    a_files, b_files = files_of(first), files_of(second)
    report = []
    for rel in sorted(a_files.keys() - b_files.keys()):
        report.append(f"only in the first build: {rel}")
    for rel in sorted(b_files.keys() - a_files.keys()):
        report.append(f"only in the second build: {rel}")
    for rel in sorted(a_files.keys() & b_files.keys()):
        a, b = a_files[rel], b_files[rel]
        if a.stat().st_size == b.stat().st_size and digest(a) == digest(b):
            continue
        entry = [f"differs: {rel} ({a.stat().st_size} vs {b.stat().st_size} bytes)"]
        if a.suffix in TEXT_SUFFIXES:
            entry += ["    " + line for line in text_diff(a, b)]
        report.append("\n".join(entry))
    return report


def build(clone: Path, log: Path) -> tuple[int, float]:
    """Clone HEAD into ``clone`` and run ``make book`` there with a fresh matplotlib cache."""
    start = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    mplconfig = clone.parent / f"{clone.name}-matplotlib"
    mplconfig.mkdir()
    env = {**os.environ, "MPLCONFIGDIR": str(mplconfig)}
    # the report lies beside this checkout (../shared), not beside the clones
    sys.path.insert(0, str(REPO))
    from shifeng.data import report_path

    env.setdefault("SHIFENG_SOURCES", str(report_path().parent))
    env.pop("SHIFENG_DATA_DIR", None)
    with log.open("w") as handle:
        code = subprocess.call(["make", "book"], cwd=clone, stdout=handle, stderr=subprocess.STDOUT, env=env)
    return code, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="two build folders to compare")
    parser.add_argument("--build", action="store_true", help="make two clean builds in temporary folders first")
    parser.add_argument("--keep", action="store_true", help="keep the temporary builds even when identical")
    args = parser.parse_args(argv)

    workdir = None
    if args.build:
        workdir = Path(tempfile.mkdtemp(prefix="shifeng-repro-"))
        dirs = [workdir / "a", workdir / "second-clone"]  # paths of different lengths
        for out in dirs:
            log = workdir / f"{out.name}.log"
            code, seconds = build(out, log)
            status = "ok" if code == 0 else f"FAILED (exit {code}; see {log})"
            print(f"fresh clone built in {out}: {seconds:.1f} s, {status}")
            if not (out / "_build" / "html" / "index.html").exists():
                print("no HTML was produced: nothing to compare")
                return 2
    elif len(args.dirs) == 2:
        dirs = args.dirs
    else:
        parser.error("give two build folders, or --build")

    first, second = html_dir(dirs[0]), html_dir(dirs[1])
    report = compare(first, second)
    count = len(files_of(first))
    if not report:
        print(f"identical: {count} files in {first} and {second}")
        if workdir is not None and not args.keep:
            shutil.rmtree(workdir)
        return 0
    print(f"NOT reproducible: {len(report)} of {count} files differ between {first} and {second}")
    for entry in report:
        print(entry)
    if workdir is not None:
        print(f"(the builds are kept in {workdir}; REPRO_DIRS={dirs[0]}{os.pathsep}{dirs[1]} "
              f"pytest tests/test_reproducible.py compares them again)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
