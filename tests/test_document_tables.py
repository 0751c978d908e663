"""``--format markdown|csv|latex`` of ``solve``, ``sensitivity`` and ``simulate``: the
terminal's tables as documents. Each output is read back as its format reads it: Markdown
pipe tables whose rows all have the header's cells, CSV blocks whose rows all have the
same width, LaTeX tabulars whose rows have as many cells as the column specification; the
numbers are the table format's; hostile labels come out escaped; nothing depends on the
terminal's width, and there are no colour codes and no box lines."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from negsim.cli import app
from negsim.present.documents import document, latex_escape, markdown_inline

FORMATS = ("markdown", "csv", "latex")
COMMANDS = {
    "solve-pie": ("solve", "pie-split"),
    "solve-venezuela": ("solve", "venezuela-2025"),
    "solve-screening": ("solve", "venezuela-2025-private"),
    "sensitivity-pie": ("sensitivity", "pie-split", "--no-chart"),
    "sensitivity-screening": (
        "sensitivity",
        "venezuela-2025-private",
        "parties.us.discount",
        "protocol.deadline",
        "--no-chart",
    ),
    "simulate": ("simulate", "venezuela-2025", "--runs", "200", "--seed", "7"),
}
HOSTILE_NAME = r"Pipes | & 100% $5 #1 a_b \ <b>bold</b> {x} ~y ^z [c] *s*"
ANSI = "\x1b["
BOX = re.compile("[\u2500-\u259f]")
"""Box drawing and block elements: the terminal's table lines and bars."""
DECIMAL = re.compile(r"-?\d+\.\d+")


@cache
def output(args: tuple[str, ...], columns: int = 100) -> str:
    """Standard output of ``negsim ARGS`` (in-process), which must exit 0."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def hostile_file() -> str:
    """A scenario whose name and labels hold Markdown, CSV and LaTeX specials."""
    return str(Path(__file__).resolve().parent / "data" / "hostile-labels.yaml")


# --------------------------------------------------------------------------------------------
# Reading each format back


def markdown_cells(line: str) -> list[str]:
    """The cells of a pipe-table row, ``\\|`` (or any escaped character) not a border."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, current, k = [], "", 1
    while k < len(line):
        char = line[k]
        if char == "\\" and k + 1 < len(line):
            current += line[k : k + 2]
            k += 2
            continue
        if char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
        k += 1
    return cells


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table: its rows of cells (header first), after checking the separator
    row and that every row has the header's cells."""
    tables, block = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            header, separator, *rows = block
            width = len(markdown_cells(header))
            assert re.fullmatch(r"\|( :?-{3,}:? \|)+", separator), separator
            assert len(markdown_cells(separator)) == width
            for row in rows:
                assert len(markdown_cells(row)) == width, (header, row)
            tables.append([markdown_cells(row) for row in [header, *rows]])
            block = []
    return tables


def csv_tables(text: str) -> list[list[list[str]]]:
    """The CSV blocks (split at empty records), without their ``# `` note rows; every row
    of a table has the same width."""
    tables, block = [], []
    for record in [*csv.reader(io.StringIO(text)), []]:
        if record:
            block.append(record)
            continue
        rows = [row for row in block if not (len(row) == 1 and row[0].startswith("# "))]
        if rows:
            assert len({len(row) for row in rows}) == 1, rows
            assert len(rows[0]) >= 2
            tables.append(rows)
        block = []
    return tables


def latex_spec_count(spec: str) -> int:
    return len(re.findall(r"p\{[^}]*\}|[lrc]", spec))


def latex_tables(text: str) -> list[list[str]]:
    """The rows of every tabular, after checking that the environments balance and that
    each row has as many cells as the column specification."""
    assert text.count(r"\begin{tabular}") == text.count(r"\end{tabular}")
    assert text.count(r"\begin{table}") == text.count(r"\end{table}")
    assert text.count(r"\begin{tabular}") == text.count(r"\begin{table}")
    found = []
    pattern = r"\\begin\{tabular\}\{((?:p\{[^}]*\}|[lrc])+)\}\n(.*?)\\end\{tabular\}"
    for spec, body in re.findall(pattern, text, flags=re.S):
        rows = []
        for line in body.splitlines():
            if line in (r"\toprule", r"\midrule", r"\bottomrule", r"\addlinespace"):
                continue
            assert line.endswith(r" \\"), line
            cells = len(re.findall(r"(?<!\\)&", line)) + 1
            assert cells == latex_spec_count(spec), (spec, line)
            rows.append(line)
        found.append(rows)
    assert len(found) == text.count(r"\begin{tabular}")
    return found


def latex_unescaped(text: str) -> list[str]:
    """LaTeX special characters left raw in the text (comment lines aside)."""
    body = "\n".join(
        line.removesuffix(r" \\") for line in text.splitlines() if not line.startswith("%")
    )
    body = re.sub(r"\$\\(leq|geq|rightarrow)\$", "", body)
    body = re.sub(r"\\[A-Za-z]+(\{[^}]*\})*(\{\})?", "", body)  # commands, their arguments
    body = re.sub(r"\\[&%$#_{}]", "", body)
    return re.findall(r"[&%$#_^~\\<>|]", body.replace("&", ""))


READERS = {"markdown": markdown_tables, "csv": csv_tables, "latex": latex_tables}


# --------------------------------------------------------------------------------------------
# The bundled scenarios, every command and format


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_every_command_writes_well_formed_tables(command: str, output_format: str) -> None:
    text = output((*COMMANDS[command], "--format", output_format))
    assert ANSI not in text
    assert not BOX.search(text), BOX.findall(text)[:3]
    tables = READERS[output_format](text)
    assert len(tables) >= 2
    if output_format == "latex":
        assert latex_unescaped(text) == []


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_the_numbers_are_the_table_formats(command: str, output_format: str) -> None:
    """Every decimal number the terminal's tables show (at a width where none is cut) is
    in the document."""
    table = output((*COMMANDS[command], "--format", "table"), 250)
    text = output((*COMMANDS[command], "--format", output_format))
    shown = set(DECIMAL.findall(table))
    assert shown and shown <= set(DECIMAL.findall(text)), shown - set(DECIMAL.findall(text))


def test_the_nash_and_equilibrium_utilities_appear() -> None:
    """pie-split: the Nash package splits evenly; Rubinstein's split is 5/7 and 2/7."""
    for output_format in FORMATS:
        text = output(("solve", "pie-split", "--format", output_format))
        assert "0.500 (+0.500)" in text and "0.714" in text and "0.286" in text
    rows = markdown_tables(output(("solve", "pie-split", "--format", "markdown")))
    nash = next(row for table in rows for row in table if row[0] == "Nash")
    assert nash[1:3] == ["0.500 (+0.500)", "0.500 (+0.500)"]
    rows = csv_tables(output(("solve", "pie-split", "--format", "csv")))
    payoff = next(row for table in rows for row in table if row[0] == "payoff")
    assert payoff == ["payoff", "0.714", "0.286"]


def test_each_table_keeps_its_title_and_caption() -> None:
    args = ("solve", "venezuela-2025-private", "--format")
    markdown = output((*args, "markdown"))
    assert "### Outcome space\n\n|" in markdown
    assert "### Screening outcome" in markdown
    assert "\n\nutility (gain over disagreement)" in markdown  # a caption, below its table
    text = output((*args, "csv"))
    assert "# Outcome space\npackages," in text
    latex = output((*args, "latex"))
    assert r"\caption{Outcome space}" in latex
    assert r"{\footnotesize utility (gain over disagreement)" in latex
    assert latex.count(r"\toprule") == latex.count(r"\bottomrule") == latex.count(r"\caption")


def test_cells_of_several_lines() -> None:
    """A lottery or a response over several lines: ``<br>`` in Markdown, kept in a quoted
    CSV cell, ``\\newline`` in a LaTeX paragraph column."""
    args = ("solve", "venezuela-2025", "--format")
    assert "<br>" in output((*args, "markdown"))
    cells = [cell for table in csv_tables(output((*args, "csv"))) for row in table for cell in row]
    assert any("\n" in cell for cell in cells)
    latex = output((*args, "latex"))
    assert r" \newline " in latex and r"p{0.6\linewidth}" in latex


def test_headerless_tables() -> None:
    """A key and value list has no header on the terminal: an empty header row in
    Markdown, none in CSV or LaTeX."""
    markdown = output(("simulate", "venezuela-2025", "--runs", "200", "--seed", "7",
                       "--format", "markdown"))  # fmt: skip
    assert "### Summary\n\n|  |  |\n| --- | --- |\n| agreement rate |" in markdown
    text = output(("simulate", "venezuela-2025", "--runs", "200", "--seed", "7",
                   "--format", "csv"))  # fmt: skip
    assert "# Summary\nagreement rate," in text
    # the histogram's bars are drawing: left out, its counts kept
    assert "# Agreements by day\nday,count\n" in text


def test_the_output_does_not_depend_on_the_terminal_width() -> None:
    for output_format in FORMATS:
        args = ("solve", "venezuela-2025-private", "--format", output_format)
        assert output(args, 40) == output(args, 100)


def test_sensitivity_still_writes_its_chart(tmp_path: Path) -> None:
    chart = tmp_path / "tornado.png"
    args = ["sensitivity", "pie-split", "parties.player1.discount", "--format", "markdown"]
    result = CliRunner().invoke(app, [*args, "-o", str(chart)])
    assert result.exit_code == 0, result.output
    assert chart.is_file() and "| parties.player1.discount |" in result.stdout


def test_formats_are_case_insensitive() -> None:
    assert output(("solve", "pie-split", "--format", "CSV")) == output(
        ("solve", "pie-split", "--format", "csv")
    )


# --------------------------------------------------------------------------------------------
# Hostile labels


HOSTILE_RUNS = {
    "solve": ("solve",),
    "sensitivity": ("sensitivity", "parties.a_1.discount", "protocol.deadline", "--no-chart"),
    "simulate": ("simulate", "--runs", "50", "--seed", "1"),
}


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("command", HOSTILE_RUNS)
def test_hostile_labels_render_safely(command: str, output_format: str) -> None:
    first, *rest = HOSTILE_RUNS[command]
    text = output((first, hostile_file(), *rest, "--format", output_format))
    READERS[output_format](text)
    assert ANSI not in text and not BOX.search(text)
    if output_format == "markdown":
        assert markdown_inline(HOSTILE_NAME) in text
        assert not re.search(r"(?<!\\)<b>", text)  # no raw HTML
    elif output_format == "csv":
        records = list(csv.reader(io.StringIO(text)))
        assert any(
            len(record) == 1 and record[0].startswith(f"# {HOSTILE_NAME}") for record in records
        )
    else:
        assert latex_escape(HOSTILE_NAME) in text
        assert latex_unescaped(text) == []
    if command == "sensitivity":  # the party labels are in the titles, on one line
        title = r"Partner | A & co. 100% $ # _ \ <b>x</b> line two's equilibrium utility"
        if output_format == "markdown":
            title = markdown_inline(title).replace("#", "\\#")
        assert (latex_escape(title) if output_format == "latex" else title) in text


# --------------------------------------------------------------------------------------------
# The conversion itself


def test_a_rich_table_converts_cell_by_cell() -> None:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title="T | 1", caption="note & more")
    table.add_column("name")
    table.add_column("value", justify="right")
    table.add_column("")
    table.add_row(Text("a|b\nc"), "1.5", "██")
    table.add_row("[x] *y* _z_ <i>", "2", "█")
    parts = [Text("Heading\n# not a heading"), Group(table, Text("after")), Text("")]
    markdown = document(parts, "markdown")
    assert markdown == (
        "Heading \\\n\\# not a heading\n\n### T \\| 1\n\n"
        "| name | value |\n| --- | ---: |\n"
        "| a\\|b<br>c | 1.5 |\n| \\[x\\] \\*y\\* \\_z\\_ \\<i> | 2 |\n\n"
        "note & more\n\nafter\n"
    )
    assert document(parts, "csv") == (
        '# Heading\n# # not a heading\n\n# T | 1\nname,value\n"a|b\nc",1.5\n'
        "[x] *y* _z_ <i>,2\n# note & more\n\n# after\n"
    )
    latex = document(parts, "latex")
    assert r"\caption{T \textbar{} 1}" in latex
    assert r"\begin{tabular}{lr}" in latex
    assert r"a\textbar{}b c & 1.5 \\" in latex  # a narrow column: its lines on one
    assert r"{[}x{]} *y* \_z\_ \textless{}i\textgreater{} & 2 \\" in latex
    assert r"{\footnotesize note \& more\par}" in latex
    latex_tables(latex)


def test_unknown_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown document format"):
        document([], "html")


@pytest.mark.parametrize("command", HOSTILE_RUNS)
def test_hostile_markdown_renders_as_written(command: str) -> None:
    """Read by a CommonMark reader with pipe tables: one table per heading, and none of
    the labels' punctuation taken for emphasis, code, links, strikethrough or HTML."""
    markdown_it = pytest.importorskip("markdown_it")
    first, *rest = HOSTILE_RUNS[command]
    text = output((first, hostile_file(), *rest, "--format", "markdown"))
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert html.count("<table>") == html.count("<h3>") == len(markdown_tables(text))
    for tag in ("<b>", "<i>", "<em>", "<strong>", "<code>", "<a ", "<s>", "<del>", "<h1>"):
        assert tag not in html, tag
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
