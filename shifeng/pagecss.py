"""Each page's own stylesheet: the rules of the book's CSS that the page can use, and no more.

A page of the book linked one stylesheet of some 400 KB (60 KB after gzip): Bootstrap,
the theme and the extensions, almost all of it for components no page has. The browser
waits for all of it before the first paint, and parses and matches all of it against
every element. :class:`Stylesheet` keeps, for one page, every rule with a selector whose
names are all in the page: each class, id, element and attribute name it requires is
on some element of the page. That is looser than matching (``.a .b`` is kept wherever
the page has an ``.a`` and a ``.b``, nested or not), so no rule the page uses is lost,
and it is fast enough to run on every page of every build. What a selector requires
leaves out:

- states and pseudo-elements (``:hover``, ``:checked``, ``::before``) and every ``:not()``,
  ``:is()``, ``:where()`` and ``:has()``, so ``a.reference:hover`` is kept wherever the
  page has an ``a`` with the class ``reference``;
- what a script of the book writes once the page has loaded: a class, an attribute or an
  element named in one of its strings (a copy button and its icon, a sidebar squeezed,
  a dropdown shown). Bootstrap's script names every component of Bootstrap in its
  strings, so its strings are not read: what it writes for the components the theme
  uses (dropdowns, tooltips, collapsing parts) is :data:`BOOTSTRAP_WRITES`;
- the colour mode: ``html[data-theme=dark]`` is kept on every page (the theme sets
  ``data-theme`` and ``data-mode`` on ``<html>`` before the first paint);
- what the browser writes when a reader opens a ``<details>`` or a script shows a
  ``<dialog>``: ``[open]``. Without it, an opened hidden code cell showed both "Show code
  cell source" and "Hide code cell source".

Every at-rule (``@font-face``, ``@keyframes``) is kept, and every ``@media`` block around a
kept rule. The rules keep their order, so the cascade is the whole stylesheet's.

Of the custom properties the kept rules declare (Bootstrap's and the theme's hundreds of
``--bs-*`` and ``--pst-*``), only those something reads are kept: a ``var()`` of a kept
declaration, of the page's own ``style`` attributes and elements, or of a custom property
so kept; or a ``--name`` in a script's text (a script may read or set one). A custom
property nothing reads draws nothing. The CSS
is read with tinycss2 (the CSS parser of WeasyPrint), the page with Python's own HTML parser.
"""

from __future__ import annotations

import html.parser
import os
import re
from dataclasses import dataclass, field

import tinycss2

#: at-rules whose block holds rules, kept when a rule inside is kept
GROUPING = ("media", "supports", "layer", "container")
#: functional pseudo-classes whose arguments a selector does not require (a list of choices,
#: a negation, a relation)
CHOICES = frozenset({"not", "is", "where", "has", "matches", "-webkit-any", "-moz-any"})
#: a string of a script (minified: a regular expression literal may pass for one, which only adds words)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`')
#: an element a script makes: ``"<div class=..."`` in a string, or ``createElement("span")``
MADE = re.compile(r"<([A-Za-z][\w-]*)|createElement(?:NS)?\([^)]*?[\"'`]([A-Za-z][\w-]*)[\"'`]\s*\)")
#: what Bootstrap's script writes for the dropdowns, tooltips and collapsing parts of the theme
BOOTSTRAP_WRITES = frozenset({
    ".show", ".showing", ".hiding", ".fade", ".collapse", ".collapsing", ".collapsed", ".tooltip", ".tooltip-arrow",
    ".tooltip-inner", ".bs-tooltip-auto", ".bs-tooltip-top", ".bs-tooltip-end", ".bs-tooltip-bottom",
    ".bs-tooltip-start", "[data-bs-popper", "[data-popper-placement", "[aria-expanded", "<div",
})
#: what ``<html>`` carries before the first paint in either colour mode
MODE_ATTRIBUTES = frozenset({"[data-theme", "[data-mode"})
#: what the browser itself writes at a reader's act: ``open`` on a ``<details>`` opened (a
#: hidden code cell) or a ``<dialog>`` shown (the search)
BROWSER_WRITES = frozenset({"[open"})
URL = re.compile(r"url\((['\"]?)(?!data:|https?:|/|#)([^'\")]+)\1\)")
#: a custom property's name (in a ``var()``, a script, a style attribute)
CUSTOM = re.compile(r"--[A-Za-z_][\w-]*")


def relocate(css: str, prefix: str) -> str:
    """``css`` with each relative ``url()`` behind ``prefix`` (``"../"``): for the same CSS read from another folder."""
    return URL.sub(lambda m: f"url({m.group(1)}{prefix}{m.group(2)}{m.group(1)})", css)


def script_writes(scripts: list[str]) -> set[str]:
    """What the scripts may write: ``.name`` and ``[name`` for every word of their strings
    (a class or an attribute), ``<tag`` for every element they make."""
    found = set()
    for text in scripts:
        for string in STRING.findall(text):
            for word in re.findall(r"[A-Za-z_][\w-]*", string):
                found |= {f".{word}", f"[{word.lower()}"}
        found |= {f"<{(tag or made).lower()}" for tag, made in MADE.findall(text)}
    return found


def requires(tokens: list) -> set[str]:
    """The names a selector (tinycss2's tokens, one of a list) requires of the page:
    ``.class``, ``#id``, ``<tag`` and ``[attribute``, less states, pseudo-elements and
    the arguments of :data:`CHOICES`."""
    names, previous = set(), None
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token == "." and following is not None and following.type == "ident":
            names.add(f".{following.value}")
        elif token.type == "hash":
            names.add(f"#{token.value}")
        elif token.type == "[] block":
            idents = [t for t in token.content if t.type == "ident"]
            if idents:
                names.add(f"[{idents[0].lower_value}")
        elif token.type == "ident" and previous != ":" and previous != "." and (
                previous is None or previous.type == "whitespace" or (previous.type == "literal" and previous.value in ",>+~")):
            names.add(f"<{token.lower_value}")
        previous = token
    return names


def selectors_of(prelude: list) -> list[list]:
    """A rule's selector list, split at its commas."""
    selectors, current = [], []
    for token in prelude:
        if token == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    return [*selectors, current]


class _Names(html.parser.HTMLParser):
    """Every tag, class, id and attribute name of a page, and the custom properties its own
    styles and scripts name (not those of the rules a build put in it: ``<style data-rules-of>``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names = set()
        self.custom = set()
        self._reading = False

    def handle_starttag(self, tag, attrs):
        self.names.add(f"<{tag}")
        for name, value in attrs:
            self.names.add(f"[{name}")
            if name == "class" and value:
                self.names.update(f".{klass}" for klass in value.split())
            elif name == "id" and value:
                self.names.add(f"#{value}")
            if value and (name == "style" or "var(" in value):  # an SVG's fill="var(--x)" reads one too
                self.custom.update(CUSTOM.findall(value))
        self._reading = tag in ("style", "script") and "data-rules-of" not in dict(attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._reading = False

    def handle_endtag(self, tag):
        self._reading = False

    def handle_data(self, data):
        if self._reading:
            self.custom.update(CUSTOM.findall(data))


def _read_page(page: str) -> _Names:
    parser = _Names()
    parser.feed(page)
    parser.close()
    return parser


def page_names(page: str) -> set[str]:
    return _read_page(page).names


def _custom_reads(tokens) -> set[str]:
    """The custom properties a declaration's value reads (``var(--name)``, at any depth)."""
    return set(CUSTOM.findall(tinycss2.serialize(tokens))) if any(
        t.type == "function" for t in tokens) else set()


@dataclass
class _Declarations:
    """A rule's declarations: the custom properties it sets, and what each of its values reads."""

    declarations: list
    sets: dict[str, set[str]]  # custom property -> what its value reads
    reads: set[str]  # what the other declarations read


@dataclass
class Stylesheet:
    """The book's whole CSS (``css``, its ``url()`` relative to ``base``, a folder of the site), and
    the text of the scripts the pages load (``scripts``, Bootstrap's left out)."""

    css: str
    base: str
    scripts: list[str] = field(default_factory=list)
    #: other text whose ``--name`` a page may read: Bootstrap's script (its dropdowns read
    #: ``--bs-position``) and the stylesheets a page links beside its own rules (sphinx-design's)
    readers: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.rules = tinycss2.parse_stylesheet(self.css, skip_comments=True, skip_whitespace=True)
        given = script_writes(self.scripts) | BOOTSTRAP_WRITES | MODE_ATTRIBUTES | BROWSER_WRITES
        #: rule key -> what each of its selectors requires of the page
        self.needs: dict[tuple[int, ...], list[frozenset[str]]] = {}
        self.children: dict[tuple[int, ...], list] = {}
        #: rule key -> its declarations, for a rule that sets a custom property
        self.custom: dict[tuple[int, ...], _Declarations] = {}
        #: rule key -> the custom properties it reads, for a rule that sets none
        self.reads_of: dict[tuple[int, ...], set[str]] = {}
        #: what is read whatever the page: by the scripts, and by the at-rules kept whole
        self.always_read = {name for text in [*self.scripts, *self.readers] for name in CUSTOM.findall(text)}
        self._index(self.rules, (), given)

    def _index(self, rules, path, given) -> None:
        for i, rule in enumerate(rules):
            key = (*path, i)
            if rule.type == "qualified-rule":
                self.needs[key] = [frozenset(requires(tokens) - given) for tokens in selectors_of(rule.prelude)]
                content = tinycss2.serialize(rule.content)
                if "--" in content:
                    self._index_declarations(key, rule, content)
            elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
                inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                self.children[key] = inner
                self._index(inner, key, given)
            elif rule.type == "at-rule":
                self.always_read |= set(CUSTOM.findall(rule.serialize()))

    def _index_declarations(self, key, rule, content: str) -> None:
        items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        declarations = [d for d in items if d.type == "declaration"]
        if len(declarations) != len(items):  # nested rules (CSS nesting): the rule is kept whole
            self.reads_of[key] = set(CUSTOM.findall(content))
            return
        sets: dict[str, set[str]] = {}
        for declaration in declarations:
            if declaration.name.startswith("--"):
                sets.setdefault(declaration.name, set()).update(_custom_reads(declaration.value))
        if sets:
            reads = set().union(*(_custom_reads(d.value) for d in declarations if not d.name.startswith("--")))
            self.custom[key] = _Declarations(declarations, sets, reads)
        else:
            self.reads_of[key] = set(CUSTOM.findall(content))

    def used_by(self, page: str) -> set[tuple[int, ...]]:
        """The keys of the rules with a selector whose every name is in the page."""
        return self._used_by(page_names(page))

    def _used_by(self, names: set[str]) -> set[tuple[int, ...]]:
        return {key for key, selectors in self.needs.items() if any(need <= names for need in selectors)}

    def read_by(self, kept: set[tuple[int, ...]], page_reads: set[str]) -> set[str]:
        """The custom properties read, given the kept rules and what the page itself reads."""
        reads = set(self.always_read) | page_reads
        sets: dict[str, set[str]] = {}
        for key in kept:
            if key in self.custom:
                reads |= self.custom[key].reads
                for name, reading in self.custom[key].sets.items():
                    sets.setdefault(name, set()).update(reading)
            else:
                reads |= self.reads_of.get(key, set())
        read, todo = set(), list(reads)
        while todo:
            name = todo.pop()
            if name not in read:
                read.add(name)
                todo.extend(sets.get(name, ()))
        return read

    def for_page(self, page: str, page_dir: str) -> str:
        """The CSS of the page (its HTML), which lies in the site's folder ``page_dir``."""
        parsed = _read_page(page)
        kept = self._used_by(parsed.names)
        css = self._emit(self.rules, (), kept, self.read_by(kept, parsed.custom))
        return relocate(css, os.path.relpath(self.base, page_dir).replace(os.sep, "/") + "/")

    def _emit(self, rules, path, kept, read) -> str:
        parts = []
        for i, rule in enumerate(rules):
            key = (*path, i)
            if rule.type == "qualified-rule":
                if key in kept:
                    parts.append(self._serialize(key, rule, read))
            elif key in self.children:
                inner = self._emit(self.children[key], key, kept, read)
                if inner:
                    parts.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            elif rule.type == "at-rule":
                parts.append(rule.serialize())
        return "\n".join(p for p in parts if p)

    def _serialize(self, key, rule, read) -> str:
        """The rule, less the custom properties it sets that nothing reads ("" if nothing is left)."""
        declarations = self.custom.get(key)
        if declarations is None or all(name in read for name in declarations.sets):
            return rule.serialize()
        left = [d for d in declarations.declarations if not d.name.startswith("--") or d.name in read]
        if not left:
            return ""
        return f"{tinycss2.serialize(rule.prelude).strip()}{{{';'.join(d.serialize() for d in left)}}}"
