"""Where the solutions go in print: at the end of each chapter in the book; in a handout,
marked so that one ``.tex`` gives a student edition (no solution, room to answer) and a
teacher's key (each solution under its exercise); see ``_templates/latex/shifenghandout.cls``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# sphinx-exercise's own node types: how an exercise and a solution are known in a doctree
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node

from shifeng import i18n
from shifeng.pdf.nodes import latex_docname, plain_heading, raw
from shifeng.pdf.outline import outline


class Solutions(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 706  # after BookStructure (705) has arranged the book

    def run(self, **kwargs) -> None:
        docname = latex_docname(self)
        if docname == self.config.root_doc:
            self.book()
        elif docname in {c["docname"] for c in outline(self.app)}:
            self.handout()

    def handout(self) -> None:
        for solution in list(self.document.findall(solution_node)):
            parent = solution.parent
            at = parent.index(solution)
            parent.insert(at + 1, raw("\n\\end{shifengsolution}\n"))
            parent.insert(at, raw("\n\\begin{shifengsolution}\n"))
        for exercise in list(self.document.findall(lambda n: isinstance(n, exercise_node | exercise_enumerable_node))):
            exercise.parent.insert(exercise.parent.index(exercise) + 1, raw("\n\\shifenganswerspace\n"))

    def book(self) -> None:
        """Each chapter's solutions, in order, under "Solutions" at the chapter's end."""
        for chapter in self.document.findall(addnodes.start_of_file):
            solutions = [s for s in chapter.findall(solution_node)]
            sections = [c for c in chapter.children if isinstance(c, nodes.section)]
            if not solutions or not sections:
                continue
            for solution in solutions:
                solution.parent.remove(solution)
            heading = plain_heading(command="section")
            heading += nodes.Text(i18n._("Solutions"))
            sections[-1].extend([heading, *solutions])
