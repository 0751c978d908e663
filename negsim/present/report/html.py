"""The report as one self-contained HTML file (:func:`html_report`): inline CSS with a print
stylesheet (each section on a new page, no backgrounds, figures and table rows kept
whole), every chart an inline ``<svg>``, no scripts and no reference to anything outside
the file. Every string of the scenario is escaped (:func:`html.escape`), so a label
holding ``<script>`` stays text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from negsim.present.report.model import Block, Figure, Paragraph, Report, Table

__all__ = ["CSS", "html_report", "inline_svg"]

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a;
  background: #ffffff; max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem;
  line-height: 1.5; font-size: 16px; }
header { border-bottom: 3px solid #0072B2; margin-bottom: 1.5rem; }
h1 { font-size: 1.9rem; margin: 0 0 0.4rem; }
.subtitle { color: #444444; margin: 0.15rem 0; }
nav ol { columns: 2; padding-left: 1.4rem; }
h2 { font-size: 1.45rem; margin-top: 2.6rem; border-bottom: 1px solid #cccccc;
  padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
p.note { color: #444444; font-size: 0.92rem; }
figure { margin: 1.2rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
figcaption { color: #444444; font-size: 0.9rem; margin-top: 0.3rem; }
.reader-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
.table-note { color: #444444; font-size: 0.85rem; margin-top: 0.25rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; }
tr { break-inside: avoid; page-break-inside: avoid; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  h2 { margin-top: 0; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  th { background: none; }
  * { background: transparent !important; box-shadow: none !important; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""
"""The stylesheet, screen and print."""

_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG file as an element to inline: without its XML declaration, doctype and
    metadata (which name outside schemas), its ids prefixed so that charts on one page
    never share one."""
    text = svg.decode("utf-8")
    start = text.index("<svg")
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text[start:], flags=re.DOTALL)
    for name in sorted(set(_ID.findall(text)), key=len, reverse=True):
        new = f"{prefix}-{name}"
        text = text.replace(f'id="{name}"', f'id="{new}"')
        text = text.replace(f"url(#{name})", f"url(#{new})")
        text = text.replace(f'href="#{name}"', f'href="#{new}"')
    return text.replace("<svg ", '<svg role="img" ', 1)


def _text(text: str) -> str:
    """Escaped, with line breaks kept."""
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def _table(table: Table) -> str:
    parts = ['<div class="table-wrap"><table>']
    if table.title:
        parts.append(f"<caption>{_text(table.title)}</caption>")
    if table.header and any(table.header):
        cells = "".join(f'<th scope="col">{_text(cell)}</th>' for cell in table.header)
        parts.append(f"<thead><tr>{cells}</tr></thead>")
    parts.append("<tbody>")
    for row in table.rows:
        parts.append("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>")
    parts.append("</tbody></table>")
    if table.caption:
        parts.append(f'<p class="table-note">{_text(table.caption)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _block(block: Block, svg: Callable[[Figure], bytes]) -> str:
    if isinstance(block, Paragraph):
        if block.heading:
            return f"<h3>{_text(block.text)}</h3>"
        return f"<p{' class=note' if block.note else ''}>{_text(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    element = inline_svg(svg(block), f"chart-{block.name}")
    caption = html.escape(block.caption)
    element = element.replace("<svg ", f'<svg aria-label="{caption}" ', 1)
    # the chart's own title states its finding: the caption is for screen readers only
    return (
        f'<figure id="figure-{html.escape(block.name)}">{element}'
        f'<figcaption class="reader-only">{caption}</figcaption></figure>'
    )


def html_report(report: Report, svg: Callable[[Figure], bytes]) -> str:
    """The report as HTML text; ``svg(figure)`` gives each chart's SVG bytes."""
    title = html.escape(report.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{title}</h1>",
        *(f'<p class="subtitle">{_text(line)}</p>' for line in report.subtitle),
        "</header>",
        "<nav><ol>",
        *(f'<li><a href="#{s.key}">{html.escape(s.heading)}</a></li>' for s in report.sections),
        "</ol></nav>",
    ]
    for section in report.sections:
        out.append(f'<section id="{html.escape(section.key)}">')
        out.append(f"<h2>{html.escape(section.heading)}</h2>")
        out.extend(_block(block, svg) for block in section.blocks)
        out.append("</section>")
    out.extend(["</body>", "</html>", ""])
    return "\n".join(out)
