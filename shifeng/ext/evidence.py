"""Say on the landing page whether the quotations were checked: a tiny Sphinx extension.

Every record of the data package quotes the report it rests on, and validation checks
each quotation against the report's text, when the text is there. A reader may build
the book without it (``make book`` then warns, see :mod:`shifeng.validate`); the book
they publish must then say that its quotations were not checked. This extension sets
the MyST substitution ``quote_check``, which ``index.md`` shows: a sentence when the
quotations were checked, a warning when they were not.

Register it in ``_config.yml``::

    sphinx:
      extra_extensions:
        - shifeng.ext.evidence
"""

from __future__ import annotations

from shifeng.data import report_path

CHECKED = "When this book was built, every quotation in its data was checked against the text of the report."
NOT_CHECKED = """```{warning}
This copy of the book was built without the text of the report, so its quotations were
**not** checked against it. Build it with the report beside the book (see the README)
before relying on a quotation.
```"""


def quote_check_note() -> str:
    return CHECKED if report_path().is_file() else NOT_CHECKED


def set_substitution(app, config) -> None:
    config.myst_substitutions = {**config.myst_substitutions, "quote_check": quote_check_note()}


def setup(app):
    app.connect("config-inited", set_substitution)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
