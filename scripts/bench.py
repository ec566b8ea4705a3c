#!/usr/bin/env python3
"""How fast the book builds and how heavy its pages are: a report, not a test.

    python scripts/bench.py [--chapter book/05-four-blocks.md] [--keep]   (make bench)

The checkout's files (tracked and untracked, as ``git ls-files`` lists them) are
copied into a temporary folder, so nothing in the checkout is touched, and built there
with the Makefile's own ``make book``:

1. the clean build of the English edition alone (``make book EDITIONS=en``), then of
   both editions (``make book``), each with no ``_build`` folder and no execution cache;
2. the cached rebuild with nothing changed;
3. the cached rebuild with one chapter changed (a code cell appended; by default to the
   chapter with the most code cells): it reports which pages were executed again, and
   only that chapter should be;
4. the floor: the same clean build with notebook execution off (``execute_notebooks:
   off``; warnings allowed, since glued values are then missing): what Sphinx and the
   theme cost without any kernel.

Then every page of the clean build (both editions) is loaded cold on a throttled phone,
beside the stock Jupyter Book template built in the same run (:mod:`pageload`): bytes
transferred by kind, requests, largest contentful paint and total blocking time, each as
a ratio to the stock template's.

Targets on a 2-core machine: clean build within 60 s, cached rebuild within 5 s (the
page targets are pageload's). The load average is printed too: other work on the
machine slows every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"

CLEAN_TARGET_S = 60.0
CACHED_TARGET_S = 5.0


# --- builds ------------------------------------------------------------------------------


def checkout_files() -> list[str]:
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    return sorted(f for f in listed if f and (REPO / f).is_file())


def copy_checkout(target: Path) -> None:
    for rel in checkout_files():
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dst)  # keeps mtimes: the venv is not reinstalled


def make_book(src: Path, out: Path, log: Path, extra: list[str] | None = None) -> tuple[float, int]:
    """``make book`` in ``src`` with the checkout's venv; (seconds, exit status)."""
    command = ["make", "-C", str(src), "-o", str(VENV / ".installed"), f"VENV={VENV}", "book", f"OUT={out}"]
    command += extra or []
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:  # the copy is not a git checkout: take the commit's date here
        stamp = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True)
        if stamp.stdout.strip():
            env["SOURCE_DATE_EPOCH"] = stamp.stdout.strip()
    start = time.monotonic()
    with log.open("w") as handle:
        code = subprocess.call(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    return time.monotonic() - start, code


def executed_records(out: Path) -> dict[int, str]:
    """jupyter-cache records of ``out``: primary key -> notebook URI."""
    from jupyter_cache import get_cache

    cache_dir = out / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        return {}
    return {record.pk: record.uri for record in get_cache(cache_dir).list_cache_records()}


def reread_docs(log: Path) -> str:
    match = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", log.read_text(errors="replace"))
    return f"{match.group(1)} added, {match.group(2)} changed, {match.group(3)} removed" if match else "?"


def chapter_to_change(src: Path, chosen: str | None) -> Path:
    if chosen:
        return src / chosen
    chapters = sorted((src / "book").glob("[0-9]*.md")) or sorted((src / "book").glob("*.md"))
    return max(chapters, key=lambda p: (p.read_text(encoding="utf-8").count("```{code-cell}"), -chapters.index(p)))


def append_code_cell(chapter: Path) -> None:
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\n```{code-cell} ipython3\n:tags: [remove-cell]\n_bench_edit = %d\n```\n" % time.time_ns())


def execution_off(src: Path) -> None:
    import yaml

    config_path = src / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def verdict(seconds: float, target: float | None, code: int) -> str:
    parts = []
    if target is not None:
        parts.append("ok" if seconds <= target else f"OVER {target:.0f} s")
    if code != 0:
        parts.append(f"build exited {code}: see its log")
    return "  ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", help="the chapter to change for the one-chapter rebuild (path in the repository)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (builds and logs)")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page for the load report (median)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="shifeng-bench-"))
    src, out, floor_src, floor_out = work / "src", work / "out", work / "floor-src", work / "floor-out"
    copy_checkout(src)
    copy_checkout(floor_src)
    rows = []
    load_before = os.getloadavg()

    # the English edition alone first (make book EDITIONS=en), then both, each from an empty cache
    english_out = work / "out-en"
    seconds_en, code = make_book(src, english_out, work / "clean-en.log", ["EDITIONS=en"])
    rows.append(("clean build, English edition alone", seconds_en, CLEAN_TARGET_S, code, ""))
    shutil.rmtree(english_out, ignore_errors=True)
    seconds, code = make_book(src, out, work / "clean.log")
    rows.append(("clean build (make book: both editions)", seconds, None, code,
                 f"{seconds / seconds_en:.2f} x the English edition alone" if seconds_en else ""))
    before = executed_records(out)

    seconds, code = make_book(src, out, work / "cached.log")
    executed = sorted(set(executed_records(out).values()) - set(before.values()))
    note = f"docs re-read: {reread_docs(work / 'cached.log')}; executed: {', '.join(executed) or 'none'}"
    rows.append(("cached rebuild, nothing changed", seconds, CACHED_TARGET_S, code, note))

    chapter = chapter_to_change(src, args.chapter)
    append_code_cell(chapter)
    records = executed_records(out)
    seconds, code = make_book(src, out, work / "chapter.log")
    after = executed_records(out)
    new = sorted(Path(uri).resolve().relative_to(src.resolve()).as_posix() if Path(uri).is_absolute() else uri
                 for pk, uri in after.items() if pk not in records)
    rel = chapter.relative_to(src).as_posix()
    only = "only the changed chapter: ok" if new == [rel] else "EXPECTED ONLY " + rel
    note = f"{rel} changed; docs re-read: {reread_docs(work / 'chapter.log')}; executed: {', '.join(new) or 'none'} ({only})"
    rows.append(("cached rebuild, one chapter changed", seconds, CACHED_TARGET_S, code, note))

    execution_off(floor_src)
    seconds, code = make_book(floor_src, floor_out, work / "floor.log", ["JB_FLAGS=-n --keep-going"])
    rows.append(("floor: clean build, execution off", seconds, None, 0, "no kernel; warnings allowed"))

    load_after = os.getloadavg()
    print(f"Build times ({os.cpu_count()} cores; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after)")
    for label, seconds, target, code, note in rows:
        print(f"  {label:40} {seconds:6.1f} s  {verdict(seconds, target, code)}")
        if note:
            print(f"      {note}")

    html_root = out / "_build" / "html"
    if (html_root / "index.html").exists():
        # what a phone downloads and waits for, against the stock template built in this run
        print()
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pageload

        pageload.main([str(html_root), "--runs", str(args.runs)])
    else:
        print("no HTML was built: no page weights")

    if args.keep:
        print(f"\nbuilds and logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
