"""The teaching note as Markdown or as a self-contained HTML page.

Every string is escaped for its format here, whoever wrote it: a scenario's names, labels
and options may hold anything (``<script>``, ``*bold*``, ``|``, ``\\section{}``, ``$x$``),
and must print as written, never as markup, a table cell break or a formula.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from negsim.present.explain.document import Block, Bullets, Inline, Paragraph, Section, Strong

__all__ = ["MARKDOWN_SPECIALS", "markdown_escape", "to_html", "to_markdown"]

MARKDOWN_SPECIALS = "\\`*_[]<>#|&$~"
"""Characters a Markdown renderer may read as markup (emphasis, code, links, HTML, headings,
table cells, entities, maths, strike-through): each is written after a backslash."""

_SPECIAL = re.compile("[" + re.escape(MARKDOWN_SPECIALS) + "]")
_SPACE = re.compile(r"\s+")


def markdown_escape(text: str) -> str:
    """``text`` as Markdown that reads exactly as ``text``: every character of
    :data:`MARKDOWN_SPECIALS` backslash-escaped, line breaks and tabs as single spaces (a
    label cannot start a new block)."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), _SPACE.sub(" ", text))


# --------------------------------------------------------------------------------------------
# Markdown


def _strong_parts(text: str) -> tuple[str, str, str]:
    """A key term's leading space, words and trailing space: emphasis marks go around the
    words only (Markdown reads ``** x**`` as no emphasis)."""
    words = text.strip()
    start = text.index(words) if words else 0
    return text[:start], words, text[start + len(words) :]


def _md_inline(part: Inline) -> str:
    if isinstance(part, Strong):
        before, words, after = _strong_parts(part.text)
        return f"{before}**{markdown_escape(words)}**{after}" if words else before
    return markdown_escape(part)


def _md_paragraph(paragraph: Paragraph) -> str:
    return "".join(_md_inline(part) for part in paragraph.parts)


def _md_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _md_paragraph(block)
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_paragraph(item)}" for item in block.items)
    header = "| " + " | ".join(markdown_escape(cell) for cell in block.header) + " |"
    rule = (
        "|"
        + "|".join("---:" if block.numeric(k) else "---" for k in range(len(block.header)))
        + "|"
    )
    rows = ["| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in block.rows]
    return "\n".join([header, rule, *rows])


def to_markdown(
    title: str, intro: Paragraph, sections: Sequence[Section], references: Sequence[str]
) -> str:
    """The note as Markdown: a title, an introduction, ``## N. Title`` per section, and the
    works cited."""
    parts = [f"# {markdown_escape(title)}", _md_paragraph(intro)]
    for section in sections:
        parts.append(f"## {section.number}. {markdown_escape(section.title)}")
        parts.extend(_md_block(block) for block in section.blocks)
    if references:
        parts.append("## References")
        parts.append("\n".join(f"- {markdown_escape(work)}" for work in references))
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# HTML

STYLE = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #222; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f4f4f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.intro { color: #444; }
.references { font-size: 0.9em; color: #444; }
"""


def _html_inline(part: Inline) -> str:
    if isinstance(part, Strong):
        before, words, after = _strong_parts(part.text)
        return f"{before}<strong>{html.escape(words)}</strong>{after}" if words else before
    return html.escape(part)


def _html_paragraph(paragraph: Paragraph) -> str:
    return "".join(_html_inline(part) for part in paragraph.parts)


def _html_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_html_paragraph(block)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_html_paragraph(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    header = "".join(f"<th>{html.escape(cell)}</th>" for cell in block.header)
    rows = []
    for row in block.rows:
        cells = "".join(
            f'<td class="num">{html.escape(cell)}</td>'
            if block.numeric(k)
            else f"<td>{html.escape(cell)}</td>"
            for k, cell in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def to_html(
    title: str, intro: Paragraph, sections: Sequence[Section], references: Sequence[str]
) -> str:
    """The note as one HTML page: inline style, no scripts, nothing fetched from
    elsewhere."""
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="intro">{_html_paragraph(intro)}</p>']
    for section in sections:
        body.append(f"<h2>{section.number}. {html.escape(section.title)}</h2>")
        body.extend(_html_block(block) for block in section.blocks)
    if references:
        works = "".join(f"<li>{html.escape(work)}</li>" for work in references)
        body.append(f'<h2>References</h2><ul class="references">{works}</ul>')
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{html.escape(title)}</title>",
                f"<style>{STYLE}</style>",
                "</head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
