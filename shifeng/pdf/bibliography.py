"""Each source once per LaTeX document, where a reader looks for it."""

from __future__ import annotations

from collections import defaultdict

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from shifeng import i18n
from shifeng.pdf.nodes import bib_entry, bib_list, bib_slot
from shifeng.pdf.nodes import included as _included
from shifeng.pdf.nodes import latex_docname as _latex_docname
from shifeng.pdf.nodes import raw as _raw
from shifeng.pdf.structure import is_empty as _is_empty


class MarkBibliographies(SphinxPostTransform):
    """Before sphinxcontrib-bibtex (priority 5) fills them: wrap each bibliography in a
    :class:`bib_slot` that remembers its document."""

    builders = ("latex",)
    default_priority = 4

    def run(self, **kwargs) -> None:
        from sphinxcontrib.bibtex.nodes import bibliography

        for node in list(self.document.findall(bibliography)):
            slot = bib_slot(docname=node["docname"])
            node.replace_self(slot)
            slot += node


class Bibliographies(SphinxPostTransform):
    """Each source once per LaTeX document, where a reader looks for it.

    Left alone, Sphinx would move every citation to the end of the LaTeX document, once
    per ``{bibliography}`` listing it, and drop the lists' headings. Instead:

    - the lists of the bibliography chapter (``shifeng_pdf_bibliography_doc``) stay
      where they are, in the book and in that chapter's handout;
    - every other list (the landing page's, a chapter's) is left out of the book, which
      has the bibliography chapter; if the book has no such chapter, one "Bibliography"
      at its end lists every source;
    - a handout gets one list of every source its chapter cites or lists, where the
      chapter's last ``{bibliography}`` was, else in a "References" section at its end.

    Every list entry carries a link target for each in-text citation of its source, so
    the citations link to it wherever their HTML target was.
    """

    builders = ("latex",)
    default_priority = 745  # before Sphinx gathers the citations (750)

    def run(self, **kwargs) -> None:
        docname = _latex_docname(self)
        is_book = docname == self.config.root_doc
        wanted = self.config.shifeng_pdf_bibliography_doc
        # sphinxcontrib-bibtex's domain: its documented attributes (bibliographies,
        # citations, citation_refs, bibdata) say which source is cited and listed where
        self.domain = self.env.get_domain("cite")
        self.anchors = defaultdict(list)  # key -> hyperref anchors of its in-text citations
        self.id_to_key = {}
        for bibliography in self.domain.bibliographies.values():
            for key, node in bibliography.citation_nodes.items():
                self.id_to_key[node["ids"][0]] = key
        for citation in self.domain.citations:
            self.anchors[citation.key].append(f"cite.{citation.bibliography_key.docname}:{citation.citation_id}")
        self.anchored = set()

        slots = list(self.document.findall(bib_slot))
        kept = [s for s in slots if s["docname"] == wanted]
        for slot in kept:
            self.keep_in_place(slot)
        others = [s for s in slots if s not in kept]
        target = None if (is_book or kept) else (others[-1] if others else None)
        for slot in others:
            if slot is not target:
                self.remove_slot(slot)
        if is_book and kept:
            return
        included = _included(self.document)
        keys = set()
        for citation in self.domain.citations:  # sources listed in this document
            if is_book or citation.bibliography_key.docname in included:
                keys.add(citation.key)
        for ref in self.domain.citation_refs:  # sources cited in this document
            if is_book or ref.docname in included:
                keys.update(target_.key for target_ in ref.targets)
        listing = self.make_list(keys - self.anchored)
        if target is not None:
            target.replace_self(listing or [])
        elif listing is not None:
            name = "bibliography" if is_book else "references"
            title = i18n._("Bibliography") if is_book else i18n._("References")
            section = nodes.section("", nodes.title("", title), listing, ids=[f"shifeng-{name}"])
            if is_book:
                self.document.append(section)
            else:
                chapter = next(s for s in self.document.findall(nodes.section) if "shifeng-untitled" not in s["classes"])
                chapter.append(section)

    def keep_in_place(self, slot) -> None:
        """The bibliography chapter's own lists, as they are, citations as bib_entry."""
        for container in list(slot.findall(nodes.container)):
            citations = [c for c in container.children if isinstance(c, nodes.citation)]
            if not citations:
                continue
            listing = bib_list(widest=max((c[0].astext() for c in citations), key=len))
            for citation in citations:
                key = self.id_to_key.get(citation["ids"][0], citation["ids"][0])
                entry = bib_entry(label=citation[0].astext(), key=f"shifeng:{key}", anchors=self.take_anchors(key))
                entry.extend(citation.children[1:])
                listing += entry
            container.replace_self(listing)
        for item in list(slot.findall(nodes.list_item)):  # :list: bullet entries
            key = self.id_to_key.get((item.get("ids") or [""])[0])
            anchors = self.take_anchors(key) if key else []
            if anchors and item.children:
                item[0].insert(0, _raw("".join(rf"\hypertarget{{{a}}}{{}}" for a in anchors)))
        slot.replace_self(slot.children)

    def take_anchors(self, key: str) -> list[str]:
        if key in self.anchored:
            return []
        self.anchored.add(key)
        return list(dict.fromkeys(self.anchors[key]))

    def remove_slot(self, slot) -> None:
        parent = slot.parent
        parent.remove(slot)
        # a section that only held the bibliography ("## References") goes too
        if isinstance(parent, nodes.section) and _is_empty(parent) and parent.parent is not None:
            parent.parent.remove(parent)

    def make_list(self, keys):
        import pybtex.plugin
        from pybtex_docutils import Backend
        from sphinxcontrib.bibtex.transforms import node_text_transform

        entries = self.domain.bibdata.data.entries
        found = [entries[k] for k in keys if k in entries]
        if not found:
            return None
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", self.config.bibtex_default_style)()
        ordered = list(style.sort(found))
        labels = list(style.format_labels(ordered))
        backend = Backend()
        listing = bib_list(widest=max(labels, key=len))
        for label, entry in zip(labels, ordered):
            item = bib_entry(label=label, key=f"shifeng:{entry.key}", anchors=self.take_anchors(entry.key))
            item += backend.paragraph(style.format_entry(label, entry))
            node_text_transform(item)
            listing += item
        return listing


