"""``python -m shifeng.pdf BUILD_DIR``: compile every LaTeX document of the build, in parallel.

xelatex stops on a character that no font has (``\\tracinglostchars=3`` in the preamble,
set by :mod:`shifeng.pdf.documents`), so a PDF is never made with an empty box in it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from shifeng.pdf.documents import MANIFEST


def compile_tex(tex: Path) -> tuple[Path, float, str]:
    start = time.monotonic()
    cmd = ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-silent"]
    if not tex.with_suffix(".pdf").exists():
        cmd.append("-g")  # latexmk would repeat the last failure without trying again
    cmd.append(tex.name)
    proc = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True,
                          env={**os.environ, "LATEXOPTS": ""})
    log = tex.with_suffix(".log")
    problems = []
    if proc.returncode != 0 or not tex.with_suffix(".pdf").exists():
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else proc.stdout[-3000:]
        problems.append(f"xelatex failed on {tex.name} (a missing character stops it too):\n{tail}")
    return tex, time.monotonic() - start, "\n".join(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=Path, help="the _build folder holding latex/")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    latex, out = args.build_dir / "latex", args.build_dir / "pdf"
    if not (latex / MANIFEST).exists():
        print(f"no {latex / MANIFEST}: run jupyter-book build --builder latex first", file=sys.stderr)
        return 1
    manifest = json.loads((latex / MANIFEST).read_text(encoding="utf-8"))
    book = latex / manifest["book"]
    # the book first (the longest), the handouts fill the other workers
    texs = [book, *(latex / name for name in manifest["handouts"])]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for tex, seconds, problem in pool.map(compile_tex, texs):
            print(f"  {tex.stem}.pdf  {seconds:5.1f} s" + ("  FAILED" if problem else ""))
            if problem:
                failures.append(problem)
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    chapters = out / "chapters"
    if chapters.exists():
        shutil.rmtree(chapters)  # no handout of a chapter that left the book
    chapters.mkdir(parents=True)
    for tex in texs:
        target = out / "book.pdf" if tex == book else chapters / f"{tex.stem}.pdf"
        shutil.copy2(tex.with_suffix(".pdf"), target)
    print(f"wrote {out / 'book.pdf'} and {len(texs) - 1} handouts in {chapters}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
