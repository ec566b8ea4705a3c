"""Render the book's own output types: a myst-nb mime-renderer plugin.

:class:`shifeng.tables.Table` gives its print version as
:data:`shifeng.tables.LATEX_TABLE`, not ``text/latex``: myst-nb renders ``text/latex`` as
a maths block, so every HTML page with a table would load MathJax to typeset nothing,
and the LaTeX build would wrap the table in maths. This plugin renders the table type
as raw LaTeX, which only the LaTeX builder writes, and ranks it first for that
builder; the HTML builder does not know it and picks the table's ``text/html``. A map's
frame (:data:`shifeng.maps.MAP_FRAME`) becomes a :class:`shifeng.ext.map_assets.map_frame`
node, which writes the map's own document when the page is written.

It is registered as the entry point ``myst_nb.mime_renderers: shifeng`` in
``pyproject.toml`` (myst-nb finds its plugins there, not in ``_config.yml``).
"""

from __future__ import annotations

import json

from docutils import nodes

from shifeng.maps import MAP_FRAME
from shifeng.tables import LATEX_TABLE


class ShifengMimeRenderer:
    """myst-nb's ``MimeRenderPlugin`` protocol: priority overrides and a renderer."""

    #: (builder, mime type, priority): the print table first in LaTeX, nowhere else; a map's
    #: frame first in HTML (LaTeX takes the map's static picture)
    mime_priority_overrides = [("latex", LATEX_TABLE, 5), ("html", MAP_FRAME, 5)]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        if data.mime_type == LATEX_TABLE and not inline:
            return [nodes.raw("", data.content, format="latex")]
        if data.mime_type == MAP_FRAME:
            from shifeng.ext.map_assets import map_frame

            content = data.content if isinstance(data.content, dict) else json.loads(data.content)
            return [map_frame("", **content)]
        return None
