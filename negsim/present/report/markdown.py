"""The report as Markdown (:func:`markdown_report`): ``report.md`` with its charts as PNG
files in ``charts/`` beside it. Scenario text is escaped (:func:`escape`), so that a label
holding ``*x*``, ``|`` or ``<script>`` reads as written and breaks no table.
"""

from __future__ import annotations

import re

from negsim.present.report.model import Block, Paragraph, Report, Table

__all__ = ["CHARTS", "escape", "markdown_report"]

CHARTS = "charts"
"""The folder of the PNG charts, beside ``report.md``."""

_SPECIAL = re.compile(r"([\\`*\[\]<>|$&~#])")
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: str) -> str:
    """Plain text as Markdown that shows it as it is: backslashes before the characters
    that mark up text, HTML or math (an underscore inside a word, as in ``icc_case``,
    stays as it is: it never emphasises)."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _UNDERSCORE.sub(r"\\_", text)


def _cell(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n")) or " "


def _table(table: Table) -> list[str]:
    lines = []
    if table.title:
        lines += [f"**{escape(table.title)}**", ""]
    width = max([len(table.header), *(len(row) for row in table.rows)], default=0)
    header = list(table.header) + [""] * (width - len(table.header))
    lines.append("| " + " | ".join(_cell(cell) for cell in header) + " |")
    lines.append("|" + "---|" * width)
    for row in table.rows:
        cells = list(row) + [""] * (width - len(row))
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    if table.caption:
        lines += ["", f"*{escape(table.caption)}*"]
    return [*lines, ""]


def _paragraph(text: str) -> str:
    """A paragraph, its line breaks kept as hard breaks."""
    return "  \n".join(escape(line) for line in text.split("\n"))


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        if block.heading:
            return [f"### {escape(block.text)}", ""]
        text = _paragraph(block.text)
        return [f"*{text}*" if block.note else text, ""]
    if isinstance(block, Table):
        return _table(block)
    caption = escape(" ".join(block.caption.split()))
    return [f"![{caption}]({CHARTS}/{block.name}.png)", ""]


def markdown_report(report: Report) -> str:
    """The report as Markdown text; its charts are ``charts/NAME.png``."""
    lines = [f"# {escape(report.title)}", ""]
    lines += [_paragraph(line) + "  " for line in report.subtitle]
    lines.append("")
    lines += [f"{k}. {escape(s.heading)}" for k, s in enumerate(report.sections, start=1)]
    lines.append("")
    for section in report.sections:
        lines += [f"## {escape(section.heading)}", ""]
        for block in section.blocks:
            lines += _block(block)
    return "\n".join(lines).rstrip() + "\n"
