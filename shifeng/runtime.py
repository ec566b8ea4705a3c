"""Where the shared code runs: inside the book's build, or in a reader's notebook.

``make book`` and ``make pdf`` set ``SHIFENG_BOOK_BUILD=1`` for the build and its
notebook kernels. There the code is strict and quiet: the book's own CJK font and none
other, charts and maps glued for the page's figures and not shown where they are made,
the maps' scripts served by the book itself. In a reader's notebook (a chapter
downloaded from the book, run beside the data package) the same calls show each chart
and map where it is made, draw Chinese with any CJK font the reader has, load the maps'
scripts from their public CDN, and link each table's CSV beside the notebook.
"""

from __future__ import annotations

import os

BUILD_ENV = "SHIFENG_BOOK_BUILD"


def in_book_build() -> bool:
    return os.environ.get(BUILD_ENV) == "1"


def data_url() -> str:
    """Where a table's CSV is, from the page or notebook that shows the table."""
    return "../data/" if in_book_build() else "data/"
