"""``python -m shifeng.bib``: write ``references.bib`` from ``data/sources.csv``.

The sources table is the one list of sources; the BibTeX file that
sphinxcontrib-bibtex reads is derived from it (a test checks they agree).
"""

import sys

from shifeng.data import REPO_ROOT, load

BIB_PATH = REPO_ROOT / "references.bib"


def _braced(text: str) -> str:
    # double braces keep capitals as written; escape BibTeX's special characters
    return "{{" + text.replace("&", r"\&").replace("%", r"\%").replace("_", r"\_") + "}}"


def bibtex() -> str:
    entries = []
    for row in load("sources").itertuples():
        fields = {
            "title": f"{row.title}" + ("" if row.title == row.title_en else f" [{row.title_en}]"),
            "author": " and ".join(a.strip() for a in str(row.author).split(";")) if isinstance(row.author, str) else None,
            "organization": row.publisher,
            "year": str(row.date)[:4] if isinstance(row.date, str) else None,
            "date": row.date if isinstance(row.date, str) else None,
            "url": row.url if isinstance(row.url, str) else None,
            "note": row.note,
        }
        if fields["author"] is None:
            # an organisation: double braces so BibTeX does not parse it as a person's name
            fields["author"] = "{{" + row.publisher + "}}"
        def render(key: str, value: str) -> str:
            if key == "author":  # persons as "A and B"; an organisation is already double-braced
                return value if value.startswith("{{") else "{" + value + "}"
            return "{" + value + "}" if key in ("url", "year", "date") else _braced(value)

        body = ",\n".join(f"  {key} = {render(key, value)}" for key, value in fields.items() if value)
        entries.append(f"@misc{{{row.source_id},\n{body}\n}}\n")
    header = "% Generated from data/sources.csv by `python -m shifeng.bib`; edit the CSV, not this file.\n\n"
    return header + "\n".join(entries)


def main() -> int:
    BIB_PATH.write_text(bibtex(), encoding="utf-8")
    print(f"wrote {BIB_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
