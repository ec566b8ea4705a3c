"""The book's Sphinx extensions (listed under ``sphinx: extra_extensions`` in ``_config.yml``).

- :mod:`~shifeng.ext.cell_outputs`: stderr or an error from any cell, hidden cells too, fails the build.
- :mod:`~shifeng.ext.evidence`: the landing page says whether the quotations were checked.
- :mod:`~shifeng.ext.mime`: how the book's own outputs (print tables) are rendered (a myst-nb plugin).
- :mod:`~shifeng.ext.map_assets`: the maps' Leaflet, jQuery and boundary, served by the book itself.
- :mod:`~shifeng.ext.downloads`: notebooks, PDFs and launch buttons in the HTML pages.
- :mod:`~shifeng.ext.html_fixes`: fixes for what the toolchain gets wrong in the HTML.
- :mod:`shifeng.pdf`: the printed book and the handouts (LaTeX builder).
"""
