"""References in print to what a LaTeX document does not hold, and citations in captions."""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from shifeng.pdf.nodes import included as _included
from shifeng.pdf.outline import outline


class DistantReferences(SphinxPostTransform):
    """References to what a LaTeX document does not hold (in a handout: another chapter)
    become text: "*Reading the source critically* (Chapter 9)", "Exercise 1.3", a glossary
    term as itself. And a numbered reference to an exercise anywhere prints its number
    (sphinx-exercise numbers exercises itself, so LaTeX's ``\\ref`` would print "??")."""

    builders = ("latex",)
    default_priority = 21  # after Sphinx resolved the references (10), before sphinx-exercise (22)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes

        included = _included(self.document)
        labels = {c["docname"]: c["label"] for c in outline(self.app)}
        # sphinx-exercise numbers exercises itself and offers no public way to ask for an
        # exercise or its LaTeX reference: its registry and node are the only handles
        exercises = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(nodes.reference)):
            uri = node.get("refuri", "")
            if not uri.startswith("%"):
                continue
            docname, _, labelid = uri[1:].partition("#")
            if isinstance(node, addnodes.number_reference):
                if docname not in included:
                    node.replace_self(nodes.Text(node.astext()))
                elif labelid in exercises:
                    from sphinx_exercise.nodes import exercise_latex_number_reference

                    new = exercise_latex_number_reference("", refid=labelid)
                    new += nodes.Text(node.astext())
                    node.replace_self(new)
                continue
            if docname in included:
                continue
            if any("std-term" in c.get("classes", []) for c in node.findall(nodes.Element)):  # a glossary term
                node.replace_self(nodes.inline("", "", *node.children))
                continue
            where = labels.get(docname, "")
            replacement = [nodes.emphasis("", "", *node.children)]
            if where:
                replacement.append(nodes.Text(f" ({where})"))
            node.replace_self(replacement)


class CitationsInCaptions(SphinxPostTransform):
    """A citation in a caption or a heading: its ``\\hyperlink`` must be ``\\protect``-ed
    (LaTeX writes captions to the list of figures; unprotected, xelatex stops)."""

    builders = ("latex",)
    default_priority = 800

    def run(self, **kwargs) -> None:
        from sphinxcontrib.bibtex.nodes import raw_latex

        for node in list(self.document.findall(raw_latex)):
            text = node.rawsource  # raw_latex keeps its LaTeX there, not as a text child
            if not text.startswith("\\hyperlink"):
                continue
            parent = node.parent
            while parent is not None and not isinstance(parent, (nodes.caption, nodes.title)):
                parent = parent.parent
            if parent is not None:
                node.replace_self(raw_latex("\\protect" + text))


