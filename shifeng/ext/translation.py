"""The two editions in the build: what Sphinx's i18n needs to translate these pages, the
language switch, and a build that says what is not translated.

- **Glue in a translated paragraph.** Sphinx parses each translated message on its own,
  in a document of its own, and MyST-NB's ``{glue:}`` roles look for the page's notebook
  on that document, find none and paste nothing ("No key 'year' found in glue data for
  this document"). Here the same roles, given no notebook, refer to the page's notebook by
  its path (``{glue:}`/book/05-four-blocks.md::blocks```), MyST-NB's own form for
  pasting from another page: the value is pasted when the page is written.
- **Untranslated messages.** In a translated edition, every message still in English
  (never translated, or fuzzy because its English changed) is listed at the end of the
  build, with the catalog to edit. A plain build only reports them; with
  ``SHIFENG_REQUIRE_TRANSLATIONS=1`` (``make test``) each is a warning, and the strict
  build fails.
- **The language switch.** Every page links the same page in the other edition
  (``<link rel="alternate" hreflang>`` in its head, and a link in the page's header):
  the English book is ``_build/html``, the Chinese ``_build/html/zh``, with the same
  paths inside.

Register it in ``_config.yml`` under ``sphinx: extra_extensions`` as ``shifeng.ext.translation``.
"""

from __future__ import annotations

import os
import posixpath

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages

from shifeng import i18n

logger = logging.getLogger(__name__)

REQUIRE_ENV = i18n.REQUIRE_ENV


# --- glue in translated messages ---------------------------------------------------------


def _from_translation(role_class):
    """A glue role that, in a translated message's own document, pastes from the page by path."""

    class FromTranslation(role_class):
        def run(self):
            env = getattr(self.document.settings, "env", None)
            if "nb_renderer" not in self.document and env is not None and "::" not in self.text:
                self.text = "/" + env.doc2path(env.docname, base=False) + "::" + self.text
                found, messages = super().run()
                for node in found:
                    node["shifeng_own_page"] = True  # see PasteAsOnThePage
                return found, messages
            return super().run()

    FromTranslation.__name__ = f"{role_class.__name__}FromTranslation"
    return FromTranslation


def add_glue_roles(app) -> None:
    from myst_nb.ext.glue.roles import PasteRoleAny, PasteTextRole

    for name, role in (("", PasteRoleAny), ("any", PasteRoleAny), ("text", PasteTextRole)):
        app.add_role_to_domain("glue", name, _from_translation(role)(), override=True)


class PasteAsOnThePage(SphinxPostTransform):
    """A value glued into a translated message looks as it does in an untranslated one.

    MyST-NB pastes a value from another page as code (``<code>6</code>``) where a value
    from the page's own notebook is text (``<span class="output text_plain">6</span>``).
    A translated message's values are the page's own: before MyST-NB resolves them
    (its priority 5), those that are plain text become the text the page would show.
    """

    default_priority = 4

    def run(self, **kwargs) -> None:
        from myst_nb.core.render import get_mime_priority
        from myst_nb.ext.glue.crossref import read_glue_cache
        from myst_nb.ext.glue.utils import PendingGlueReference

        folder = self.env.mystnb_config.output_folder
        priority = get_mime_priority(self.app.builder.name, self.config["nb_mime_priority_overrides"])
        for node in list(self.document.findall(PendingGlueReference)):
            if not node.get("shifeng_own_page") or node.gtype == "text" or not node.inline:
                continue
            output = read_glue_cache(folder, node.refdoc).get(node.key)
            if not output:
                continue  # MyST-NB says the key is missing
            data = output.get("data", {})
            best = next((mime for mime in priority if mime in data), None)
            if best == "text/plain":
                text = data["text/plain"]
                node.replace_self(nodes.inline(text, text, classes=["output", "text_plain"]))


def translate_toctree_captions(app, doctree) -> None:
    """The captions of the parts (``_toc.yml``'s "The case", "Reference") in the edition's language.

    sphinx-external-toc adds the toctrees after Sphinx's Locale transform has run, so their
    captions, which Sphinx's gettext builder does extract (into the root page's catalog),
    would stay in English in the navigation. Connected before the toctree collector reads them.
    """
    if app.config.language == i18n.SOURCE_LANGUAGE or not app.config.locale_dirs:
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [t for t in doctree.findall(addnodes.toctree) if t.get("caption")]
    if not toctrees:
        return
    dirs = [os.path.join(app.srcdir, d) for d in app.config.locale_dirs]
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalog, found = init_locale(dirs, app.config.language, domain)
    if not found:
        return
    captions = getattr(app.env, "shifeng_toc_captions", {})
    app.env.shifeng_toc_captions = captions
    for toctree in toctrees:
        english = toctree["caption"]
        translated = catalog.gettext(english)
        if translated != english:
            captions[english] = translated  # for the print edition's parts (shifeng.pdf.outline)
            toctree["caption"] = translated
        else:
            store = getattr(app.env, "shifeng_untranslated", {})
            store.setdefault(app.env.docname, []).append((toctree.line or 0, english))
            app.env.shifeng_untranslated = store


# --- exercise titles ---------------------------------------------------------------------------


class MarkExerciseTitles(SphinxTransform):
    """Before Sphinx's Locale transform (priority 20): make exercise titles messages of the page.

    sphinx-exercise builds a title (``{exercise} Counting subdistricts``) as a subtitle node
    without a source, which Sphinx's i18n takes for a built-in label and neither extracts
    nor translates. Given the exercise's source and line, it is a message like any other.
    """

    default_priority = 10

    def apply(self, **kwargs) -> None:
        try:
            from sphinx_exercise.nodes import exercise_subtitle
        except ImportError:  # pragma: no cover - sphinx-exercise is a dependency of the book
            return
        for node in self.document.findall(exercise_subtitle):
            if node.source and node.rawsource:
                continue
            holder = node.parent
            while holder is not None and not holder.source:
                holder = holder.parent
            node.source = holder.source if holder is not None else self.document.get("source")
            node.line = node.line or (holder.line if holder is not None else None)
            node.rawsource = node.rawsource or node.astext()
            exercise = node.parent.parent if node.parent is not None else None
            if exercise is not None:  # for the gettext builder (see ExtractExerciseTitles)
                exercise["shifeng_title_message"] = (node.rawsource, node.source, node.line)


class KeepTranslatedExerciseTitles(SphinxTransform):
    """After Sphinx's Locale transform: the exercise a solution names carries its translated title.

    sphinx-exercise keeps a copy of each exercise, made when the directive ran (before any
    translation), and titles a solution ("Solution to Exercise 1.1 (title)") from that copy.
    It offers no public way to refresh it, so its registry entry is given a copy of the
    translated exercise.
    """

    default_priority = 21

    def apply(self, **kwargs) -> None:
        if self.config.language == i18n.SOURCE_LANGUAGE:
            return
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(nodes.Element):
            if "shifeng_title_message" not in node:
                continue
            entry = registry.get(node.get("label", ""))
            if entry and entry.get("docname") == self.env.docname and entry.get("type", "").startswith("exercise"):
                entry["node"] = node.deepcopy()


class ExtractExerciseTitles(SphinxPostTransform):
    """For the gettext builder: keep each exercise title a message after sphinx-exercise has
    merged it into the exercise's heading (its post-transform drops the subtitle node)."""

    default_priority = 900
    builders = ("gettext",)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.Element):
            found = node.get("shifeng_title_message")
            if found:
                text, source, line = found
                message = nodes.paragraph(text, text)
                message.source, message.line = source, line
                message.uid = f"shifeng-exercise-title-{line}"  # Sphinx's catalog skips a node without one
                node += message


# --- what is left in English ----------------------------------------------------------------


def needs_translation(message: str) -> bool:
    """False for a message that reads the same in every edition: hanzi, a letter, numbers, markup."""
    text = i18n.ROLE.sub("", message)
    text = text.replace("`", "").replace("*", "").strip()
    return bool(text) and len(text) > 1 and not i18n.reads_the_same_in_every_edition(text)


class NoteUntranslated(SphinxTransform):
    """After Sphinx's Locale transform (priority 20): remember each message still in English."""

    default_priority = 25

    def apply(self, **kwargs) -> None:
        if self.config.language == i18n.SOURCE_LANGUAGE or not self.config.locale_dirs:
            return
        try:
            from sphinx_exercise.nodes import exercise_title
        except ImportError:  # pragma: no cover
            exercise_title = ()
        left = []
        for node, message in extract_messages(self.document):
            if isinstance(node, nodes.image):
                continue  # alt text: the image keeps no mark of its translation (checked by the tests)
            if isinstance(node, exercise_title) or _in_front_matter(node):
                continue  # "Exercise" and its title, each translated on its own; the page's front matter
            if not node.get("translated") and needs_translation(message):
                left.append((node.line or 0, message))
        if left:
            store = getattr(self.env, "shifeng_untranslated", {})
            store[self.env.docname] = left
            self.env.shifeng_untranslated = store
        elif hasattr(self.env, "shifeng_untranslated"):
            self.env.shifeng_untranslated.pop(self.env.docname, None)


def _in_front_matter(node) -> bool:
    """In the page's front matter (a field list atop the document, docinfo by the end of reading)."""
    while node is not None:
        if isinstance(node, nodes.docinfo) or (isinstance(node, nodes.field_list)
                                               and isinstance(node.parent, nodes.document)):
            return True
        node = node.parent
    return False


def purge_untranslated(app, env, docname) -> None:
    getattr(env, "shifeng_untranslated", {}).pop(docname, None)


def merge_untranslated(app, env, docnames, other) -> None:
    mine = getattr(env, "shifeng_untranslated", {})
    mine.update({d: v for d, v in getattr(other, "shifeng_untranslated", {}).items() if d in docnames})
    env.shifeng_untranslated = mine


def report_untranslated(app, exception) -> None:
    if exception is not None or app.config.language == i18n.SOURCE_LANGUAGE:
        return
    left = getattr(app.env, "shifeng_untranslated", {})
    if not left:
        return
    count = sum(len(v) for v in left.values())
    strict = os.environ.get(REQUIRE_ENV) == "1"
    head = (f"{count} message(s) on {len(left)} page(s) have no {app.config.language} translation, or a fuzzy one "
            f"(their English changed): run `make translations`, then translate them in "
            f"locales/{app.config.language}/LC_MESSAGES/<page>.po")
    if strict:
        for docname, messages in sorted(left.items()):
            for line, message in messages:
                logger.warning(f"untranslated: {message[:90]!r}", location=(docname, line),
                               type="shifeng", subtype="untranslated")
        logger.warning(head, type="shifeng", subtype="untranslated")
    else:
        logger.info(head)
        for docname, messages in sorted(left.items()):
            logger.info(f"  {docname}: {len(messages)}")


# --- the language switch ----------------------------------------------------------------------


def other_editions(app, pagename: str) -> list[dict[str, str]]:
    """The same page in each other edition: its relative URL, language and name."""
    here = i18n.EDITIONS.get(app.config.language) or i18n.EDITIONS[i18n.SOURCE_LANGUAGE]
    page = app.builder.get_target_uri(pagename)
    up = posixpath.relpath(".", posixpath.dirname(page) or ".")
    root = posixpath.normpath(posixpath.join(up, "..")) if here.folder else up  # the English root
    found = []
    for edition in i18n.EDITIONS.values():
        if edition.code == here.code:
            continue
        target = posixpath.join(root, edition.folder, page) if edition.folder else posixpath.join(root, page)
        found.append({"href": posixpath.normpath(target), "lang": edition.html_lang, "name": edition.name})
    return found


def add_switch(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    context["shifeng_editions"] = other_editions(app, pagename)


def setup(app):
    app.setup_extension("myst_nb")  # its glue domain must be there to take the roles
    add_glue_roles(app)
    app.add_post_transform(PasteAsOnThePage)
    app.add_transform(MarkExerciseTitles)
    app.add_transform(KeepTranslatedExerciseTitles)
    app.add_post_transform(ExtractExerciseTitles)
    app.add_transform(NoteUntranslated)
    app.connect("env-purge-doc", purge_untranslated)
    app.connect("env-merge-info", merge_untranslated)
    app.connect("build-finished", report_untranslated)
    app.connect("html-page-context", add_switch)
    app.connect("doctree-read", translate_toctree_captions, priority=400)  # before the toctree collector (500)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
