"""Shared code of the Shifeng Beautiful Communities book.

- :mod:`shifeng.data`: load and validate the evidence base in ``data/``; tables and glued values for pages.
- :mod:`shifeng.charts` (style in :mod:`shifeng.style`): every chart, drawn from the data.
- :mod:`shifeng.maps` (datum transform and areas in :mod:`shifeng.geo`): the folium maps and their print images.
- :mod:`shifeng.bib`, :mod:`shifeng.glossary`: ``references.bib`` and ``book/glossary.md``, generated from the data.
- :mod:`shifeng.buildcache`, :mod:`shifeng.validate`: steps of ``make book`` and ``make pdf``.
- Sphinx extensions: :mod:`shifeng.ext.map_assets`, :mod:`shifeng.ext.html_fixes`, :mod:`shifeng.ext.downloads`, :mod:`shifeng.pdf`.
"""
