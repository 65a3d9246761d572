"""The full parse of a note: its body's sections, follow-up Q&A pairs and related links."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from studycards.notes._document import Document, markdown_lines
from studycards.notes.note import (
    _WARNING,
    SHORT_ANSWER_KINDS,
    FollowUp,
    Note,
    NoteSummary,
    Problem,
    RelatedLink,
    Section,
)
from studycards.notes.links import leading_link
from studycards.notes.opening import opening_lines
from studycards.notes.sections import (
    RELATED_MARKER,
    Heading,
    assign,
    compile_patterns,
    headings,
    matches,
)
from studycards.notes.summary import _summary_and_document


def parse_note(
    text: str, rel: str, path: Path, notes_dir: str = "notes", extra_patterns: tuple = ()
) -> Note:
    """Parse a decoded note fully: summary, sections, follow-ups and related links."""
    summary, doc = _summary_and_document(text, rel, notes_dir)
    if doc is None or summary.broken:
        return Note(summary, path, doc)
    sections = _sections(doc, extra_patterns)
    followups = _followups(doc, sections.get("followups"))
    related = _related_links(doc, sections.get("related"))
    problems = _content_problems(summary, sections, followups)
    return Note(summary, path, doc, sections, followups, related, problems)


def _sections(doc: Document, extra_patterns: tuple) -> dict[str, Section]:
    """Each kind's section; of two headings of one kind the surer match (then the first) wins."""
    patterns = compile_patterns(extra_patterns)
    lines = markdown_lines(doc.body, keepends=True)
    heads = headings(doc.body)
    chosen = assign([matches(h.text, h.level, patterns) for h in heads])
    sections = {
        kind: _section(doc, lines, kind, heads[position])
        for kind, position in sorted(chosen.items(), key=lambda item: item[1])
    }
    if not _has_short_answer(sections):
        opening = _opening(doc, lines, heads)
        if opening:
            sections["opening"] = opening
    return sections


def _section(doc: Document, lines: list[str], kind: str, heading: Heading) -> Section:
    raw = "".join(lines[heading.line + 1 : heading.end])
    text = raw.lstrip("\r\n")
    line = doc.body_first_line + heading.line
    text_line = line + 1 + raw[: len(raw) - len(text)].count("\n")
    end_line = doc.body_first_line + heading.end
    return Section(kind, heading.text, line, _trim_rule(text), text_line, end_line)


def _opening(doc: Document, lines: list[str], heads: Sequence[Heading]) -> Section | None:
    """The note's opening as its answer section (see :mod:`studycards.notes.opening`)."""
    found = opening_lines(doc.body, heads)
    if found is None:
        return None
    start, end = found
    text = "".join(lines[start:end]).rstrip()
    line = doc.body_first_line + start
    return Section("opening", "", line, text, line, doc.body_first_line + end)


def _has_short_answer(sections: dict[str, Section]) -> bool:
    return any(sections.get(k) and sections[k].text.strip() for k in SHORT_ANSWER_KINDS[:3])


def _trim_rule(text: str) -> str:
    """Drop a trailing ``---`` rule that only separates the section from the next."""
    stripped = text.rstrip()
    if stripped.endswith("\n---") or stripped == "---":
        return stripped[:-3].rstrip()
    return stripped


_Q_HEADING = re.compile(r"^(?:Q\s*\d*|问题?\s*\d*|\d+)\s*[:：.、)]\s*", re.I)
_A_PREFIX = re.compile(r"^\s*(?:\*\*)?\s*(?:A|答|回答)\s*[:：]\s*(?:\*\*)?\s*", re.I)
_BOLD_Q = re.compile(r"^\s*\*\*\s*(?:Q\s*\d*|问)\s*[:：]\s*(.+?)\s*\*\*\s*$", re.I)


def _followups(doc: Document, section: Section | None) -> tuple[FollowUp, ...]:
    if section is None:
        return ()
    inner = headings(section.text)
    if inner:
        return tuple(_heading_pairs(section, inner))
    return tuple(_bold_pairs(section))


def _heading_pairs(section: Section, inner: Sequence[Heading]) -> list[FollowUp]:
    lines = markdown_lines(section.text)
    pairs = []
    for heading in inner:
        question = _Q_HEADING.sub("", heading.text).strip()
        answer = "\n".join(lines[heading.line + 1 : heading.end]).strip()
        line = section.text_line + heading.line
        pairs.append(FollowUp(question, _A_PREFIX.sub("", answer, count=1), line))
    return pairs


def _bold_pairs(section: Section) -> list[FollowUp]:
    pairs: list[FollowUp] = []
    question, answer, line = None, [], 0
    for number, text in enumerate(markdown_lines(section.text)):
        match = _BOLD_Q.match(text)
        if match:
            if question:
                pairs.append(FollowUp(question, "\n".join(answer).strip(), line))
            question, answer, line = match.group(1), [], section.text_line + number
        elif question is not None:
            answer.append(_A_PREFIX.sub("", text, count=1) if not answer else text)
    if question:
        pairs.append(FollowUp(question, "\n".join(answer).strip(), line))
    return pairs


_LIST_ITEM = re.compile(r"^\s*[-*+]\s+")


def _related_links(doc: Document, section: Section | None) -> tuple[RelatedLink, ...]:
    """The generated link lines: a list item starting with a Markdown link or a wikilink."""
    if section is None or RELATED_MARKER not in section.text:
        return ()
    links = []
    after = section.text.split(RELATED_MARKER, 1)[1]
    marker_line = section.text_line + section.text[: section.text.index(RELATED_MARKER)].count("\n")
    for number, text in enumerate(markdown_lines(after)):
        item = _LIST_ITEM.match(text)
        found = leading_link(text[item.end() :]) if item else None
        if found:
            link = found[0]
            target = f"[[{link.target}]]" if link.wiki else link.target
            links.append(RelatedLink(link.text, target, marker_line + number))
    return tuple(links)


def _content_problems(
    summary: NoteSummary, sections: dict[str, Section], followups: tuple[FollowUp, ...]
) -> tuple[Problem, ...]:
    problems = []
    if "opening" in sections:
        message = (
            "no answer section found: answer taken from the note's opening"
            " (add '## 面试标准答案' or '## Short answer' to choose it)"
        )
        problems.append(Problem(summary.rel, sections["opening"].line, _WARNING, message))
    elif not _has_short_answer(sections):
        message = "no short answer section found (e.g. '## 面试标准答案' or '## Short answer')"
        problems.append(Problem(summary.rel, None, _WARNING, message))
    if "followups" in sections and not followups:
        message = "follow-up section holds no recognisable Q&A pairs"
        problems.append(Problem(summary.rel, sections["followups"].line, _WARNING, message))
    return tuple(problems)
