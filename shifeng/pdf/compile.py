"""``python -m shifeng.pdf BUILD_DIR``: compile every LaTeX document of the build, in parallel.

The book is ``pdf/book.pdf``; each chapter's handout is compiled twice from its one
``.tex``: ``pdf/chapters/<chapter>-student.pdf`` (exercises with room to answer, no
solution) and ``pdf/chapters/<chapter>-key.pdf`` (the teacher's key); a chapter with no
exercise (the glossary, say) is one ``pdf/chapters/<chapter>.pdf``.

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


def compile_tex(job: tuple[Path, str, str | None]) -> tuple[str, float, str]:
    """Compile ``tex`` as ``jobname`` (its PDF: ``<jobname>.pdf``), in ``edition`` when one is given."""
    tex, jobname, edition = job
    start = time.monotonic()
    pdf = tex.with_name(f"{jobname}.pdf")
    cmd = ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-silent",
           f"-jobname={jobname}"]
    if edition:
        cmd.append(f"-usepretex=\\def\\shifengedition{{{edition}}}")
    if not pdf.exists():
        cmd.append("-g")  # latexmk would repeat the last failure without trying again
    cmd.append(tex.name)
    proc = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True, env={**os.environ, "LATEXOPTS": ""})
    log = tex.with_name(f"{jobname}.log")
    problems = []
    if proc.returncode != 0 or not pdf.exists():
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else proc.stdout[-3000:]
        problems.append(f"xelatex failed on {tex.name} as {jobname} (a missing character stops it too):\n{tail}")
    return jobname, time.monotonic() - start, "\n".join(problems)


def jobs(latex: Path, manifest: dict) -> list[tuple[Path, str, str | None]]:
    """The book, then each handout in each of its editions: (tex, jobname, edition).

    A chapter with exercises is ``<chapter>-student.pdf`` and ``<chapter>-key.pdf``; any
    other chapter one ``<chapter>.pdf``."""
    found = [(latex / manifest["book"], Path(manifest["book"]).stem, None)]
    for handout in manifest["handouts"]:
        stem = Path(handout["tex"]).stem
        for edition in handout["editions"]:
            found.append((latex / handout["tex"], stem if edition == "handout" else f"{stem}-{edition}", edition))
    return found


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
    todo = jobs(latex, manifest)  # the book first (the longest), the handouts fill the other workers
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for jobname, seconds, problem in pool.map(compile_tex, todo):
            print(f"  {jobname}.pdf  {seconds:5.1f} s" + ("  FAILED" if problem else ""))
            if problem:
                failures.append(problem)
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    chapters = out / "chapters"
    if chapters.exists():
        shutil.rmtree(chapters)  # no handout of a chapter that left the book
    chapters.mkdir(parents=True)
    book_job = todo[0][1]
    for tex, jobname, _ in todo:
        target = out / "book.pdf" if jobname == book_job else chapters / f"{jobname}.pdf"
        shutil.copy2(tex.with_name(f"{jobname}.pdf"), target)
    print(f"wrote {out / 'book.pdf'} and {len(todo) - 1} handouts (student and key) in {chapters}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
