"""Shared code of the Shifeng Beautiful Communities book.

- :mod:`shifeng.data`: load and validate the evidence base in ``data/``.
"""
