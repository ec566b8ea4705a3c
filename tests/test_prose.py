"""How the chapters argue: every sentence that interprets rests on the report's words, or
says it is the book's reading.

A sentence that interprets is one whose verb says what something suggests, implies,
reveals, shows or means. It is grounded when it, or the sentence before it in its
paragraph, quotes the report (Chinese characters), cites a source, points to a table,
chart, map or record of the data, hedges (may, might, probably...), gives a word's usual
meaning, or marks itself as the book's reading. Questions, exercise prompts and
statements of what the report does *not* show are not interpretations.
"""

from __future__ import annotations

import re

import pytest

from shifeng import toc

INTERPRETS = re.compile(r"\b(suggests?|suggesting|implies|imply|implied|implying|reveals?|revealing|shows?|showing|"
                        r"means?|meaning)\b", re.I)
GROUNDED = re.compile(
    r"[\u4e00-\u9fff]{2,}|\{cite|\{ref\}|book's reading|the book reads|on this reading|"
    r"\b(perhaps|may|might|could|probably|likely|possibly|seems?|appears?|usually|literally|commonly)\b|"
    r"\b(tables?|charts?|maps?|figures?|timeline|diagram|columns?|records?|data|exercises?|solutions?)\b",
    re.I,
)
NEGATIVE = re.compile(r"\b(not|no|never|neither|nor|nothing)\b[^.]*\b(show|shows|imply|implies|mean|means)\b|"
                      r"\b(show|shows|implies|means)\b[^.]*\bno\b", re.I)


def prose(text: str) -> list[list[str]]:
    """The chapter's paragraphs, each as its sentences (no front matter, code, directive options)."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    text = re.sub(r"^:[a-z-]+:.*$", "", text, flags=re.M)
    # an exercise asks the student to show or suggest: its prompt is not the book's argument
    text = re.sub(r"```\{exercise\}.*?\n```", "", text, flags=re.S)
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = re.sub(r"\s+", " ", paragraph).strip()
        if flat:
            paragraphs.append(re.split(r"(?<=[.!?])\s+(?=[A-Z*\"“(])", flat))
    return paragraphs


def ungrounded(text: str) -> list[str]:
    found = []
    for sentences in prose(text):
        for i, sentence in enumerate(sentences):
            question = re.sub(r"[\s`]*(\d+\.)?$", "", sentence).endswith("?")
            if not INTERPRETS.search(sentence) or question or NEGATIVE.search(sentence):
                continue
            context = sentence + " " + (sentences[i - 1] if i else "")
            if not GROUNDED.search(context):
                found.append(sentence[:200])
    return found


@pytest.mark.parametrize("chapter", [c for c in toc.chapters() if c.numbered], ids=lambda c: c.stem)
def test_every_interpretation_rests_on_the_report_or_says_it_is_a_reading(chapter):
    found = ungrounded(chapter.source.read_text(encoding="utf-8"))
    assert not found, "sentences that interpret without quoting or saying so:\n" + "\n".join(found)


def test_the_rule_catches_an_unmarked_interpretation():
    assert ungrounded("The programme shows that the district cared more for image than for residents.\n")
    assert not ungrounded("On the book's reading, the programme shows care for image.\n")
    assert not ungrounded("The phrase 巧妇善谋寻米之炊 turns a saying round. By turning it round, the report implies much.\n")


#: a phrase of the report quoted with its English in the prose: 企业文化进墙绘 ("enterprise culture
#: into wall paintings"), the phrase standing alone (after a Latin word, a mark or a bracket)
GLOSSED = re.compile(r"(?:(?<=[A-Za-z0-9,.;:)*_`] )|(?<=\())([\u4e00-\u9fff]{2,}) \(\"([^\"]+)\"\)")


def glosses(texts: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Chinese phrase -> each English gloss given it -> the pages that give it."""
    found: dict[str, dict[str, list[str]]] = {}
    for name, text in texts.items():
        for phrase, gloss in GLOSSED.findall(re.sub(r"\s+", " ", text)):
            found.setdefault(phrase, {}).setdefault(gloss, []).append(name)
    return found


def test_a_phrase_of_the_report_has_one_english_rendering_everywhere():
    texts = {chapter.stem: chapter.source.read_text(encoding="utf-8") for chapter in toc.chapters()}
    found = glosses(texts)
    assert len(found) > 50, "the rule found almost no glossed phrase: is GLOSSED still right?"
    twice = {phrase: renderings for phrase, renderings in found.items() if len(renderings) > 1}
    assert not twice, "phrases rendered two ways: " + "; ".join(f"{p}: {r}" for p, r in twice.items())


def test_the_one_rendering_rule_catches_two():
    found = glosses({"a": 'They wrote 我们看到 ("we see").', "b": 'Paragraphs begin 我们看到 ("we saw").'})
    assert found == {"我们看到": {"we see": ["a"], "we saw": ["b"]}}
