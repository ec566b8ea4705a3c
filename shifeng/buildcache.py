"""``python -m shifeng.buildcache OUT``: drop stale execution results before a build.

jupyter-cache keys a notebook's outputs on the notebook's own text, and Sphinx
re-reads only pages whose source changed. A change to the data, the shared
package or the bibliography changes what every page computes without changing
any page, so when their hash differs from the last build's, the execution cache
and the Sphinx environment are removed and every page is executed afresh.
"""

import hashlib
import shutil
import sys
from pathlib import Path

from shifeng.data import DATA_DIR, REPO_ROOT

STALE = [".jupyter_cache", "jupyter_execute", ".doctrees"]


def inputs_hash() -> str:
    digest = hashlib.sha256()
    files = sorted(DATA_DIR.rglob("*")) + sorted((REPO_ROOT / "shifeng").rglob("*.py"))
    files += [REPO_ROOT / "references.bib", REPO_ROOT / "requirements.txt"]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode() if path.is_relative_to(REPO_ROOT) else path.name.encode())
            digest.update(path.read_bytes())
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
        print(f"data or shared code changed: removed {', '.join(removed)} so every page is executed again")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
