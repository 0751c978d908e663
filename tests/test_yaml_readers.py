"""The fast YAML reader (libyaml) gives the reference reader's (ruamel.yaml) very tree, or
declines and leaves the document to the reference.

Compared: every value, its Python type, line, column, key line, key column and the keys'
positions, on every bundled scenario, the shared reference cases, the test fixtures, the
malformed catalogue, the loader fuzz's mutants, and generated documents (nested mappings
and lists in block and flow style, tricky plain scalars, quoted and block scalars,
multi-line strings, comments, document markers) and random YAML-like text. Where the fast
reader returns a tree the reference must return the same one; where the reference refuses
a document the fast reader must decline, so :func:`negsim.format.source.parse` reports the
reference's message. The valid files must actually take the fast path.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import examples
from test_loader_fuzz import mutants

from negsim.errors import ScenarioError
from negsim.format.libyaml_reader import CParser, Declined, parse_fast, resolve_plain
from negsim.format.ruamel_reader import parse_reference
from negsim.format.source import YNode, parse

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VALID_FILES = sorted(
    {
        *(ROOT / "scenarios").glob("*.yaml"),
        ROOT / "negsim" / "format" / "template.yaml",
        *(path for path in (ROOT / "tests").rglob("*.yaml") if "malformed" not in path.parts),
        *(SHARED / "reference").rglob("*.yaml"),
    }
)
MALFORMED = sorted((ROOT / "tests" / "malformed").glob("*.yaml"))

pytestmark = pytest.mark.skipif(CParser is None, reason="PyYAML without libyaml")


def shape(node: YNode | None) -> Any:
    """Everything a tree holds, as comparable data (NaN made equal to itself)."""
    if node is None:
        return None
    value = node.value
    if isinstance(value, dict):
        value = [
            (type(key).__name__, _comparable(key), shape(child)) for key, child in value.items()
        ]
    elif isinstance(value, list):
        value = [shape(child) for child in value]
    keys = [(type(key).__name__, _comparable(key), at) for key, at in node.children_keys.items()]
    return (
        type(node.value).__name__,
        _comparable(value),
        node.line,
        node.column,
        node.key_line,
        node.key_column,
        keys,
    )


def _comparable(value: Any) -> Any:
    if isinstance(value, float):
        return ("nan",) if math.isnan(value) else (repr(value),)
    return value


def reference_outcome(text: str) -> tuple[str, Any]:
    try:
        return "tree", shape(parse_reference(text, "x.yaml"))
    except ScenarioError as error:
        return "error", str(error)


def fast_outcome(text: str) -> tuple[str, Any] | None:
    """The fast reader's tree, or None where it declines."""
    try:
        return "tree", shape(parse_fast(text))
    except Declined:
        return None


def check_same(text: str) -> bool:
    """The two readers agree on ``text``; True when the fast reader read it."""
    fast = fast_outcome(text)
    if fast is None:
        return False
    assert fast == reference_outcome(text), text
    return True


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda path: path.name)
def test_a_valid_file_takes_the_fast_path_and_reads_alike(path: Path) -> None:
    text = read(path)
    assert fast_outcome(text) is not None, f"{path} was declined"
    assert check_same(text)


def test_the_valid_files_include_every_kind_of_fixture() -> None:
    names = {path.parent.name for path in VALID_FILES}
    assert {"scenarios", "format"} <= names
    assert len(VALID_FILES) >= 20


@pytest.mark.parametrize("path", MALFORMED, ids=lambda path: path.name)
def test_a_malformed_file_gets_the_reference_message(path: Path) -> None:
    try:
        text = read(path)
    except UnicodeDecodeError:
        return
    check_same(text)
    assert _message(lambda: parse(text, "x.yaml")) == _message(
        lambda: parse(text, "x.yaml", reference=True)
    )


def _message(call: Any) -> str:
    try:
        return repr(shape(call()))
    except ScenarioError as error:
        return str(error)


def test_the_loader_fuzz_mutants_read_alike() -> None:
    read_fast = 0
    for mutant in mutants(seed=7, count=400):
        try:
            text = mutant.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        read_fast += check_same(text)
    assert read_fast >= 100  # the fast path is taken, not declined throughout


# --------------------------------------------------------------------------------------------
# Generated documents

TRICKY_PLAIN = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "0o17", "0O17", "0x1F", "0X1f", "0b101",
    "1_000", "1__0", "_1", "-_", "+_", "0x_", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "-.nan",
    "~", "null", "Null", "NULL", "nULL", "1e3", "1E3", "1e+3", "-1.5e-3", "1.", ".5", "-.5",
    "+.5e+1", ".5e3", "1_0.0_1", "+1", "-1", "+0", "-0", "0", "00", "012", "019", "09", "0.0",
    "-0.0", "1e400", "-1e400", "0x" + "f" * 40, "9" * 30, "2024-01-02",
    "2001-12-14t21:59:43.10-05:00",
    "2024-1-2", "12:30", "1:20:30", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
    "a:b", "a#b", "http://x.y/z?q=1", "é", "日本語", "\U0001f600 smile", "-x", "?x", "a - b",
    "3 apples", "0.5.1", "1,000", "$5", "50%", "R&D", "a!", "x*y", "a'b", 'a"b', "<<x", "==",
]  # fmt: skip
TRICKY_WORDS = ["a", "b", "key", "ÿ", "x y", "日本", "on", "1", "null", "true", "0x10", "2.5"]
FLOW_UNSAFE = set(",[]{}")


def _flow_safe(text: str) -> bool:
    return not (FLOW_UNSAFE & set(text))


def double_quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped + '"'


QUOTED_EXTRA = [
    r'"tab\there"', r'"\x41\u00e9\U0001F600"', r'"nul\0 bell\a"', r'"\/ \N \_ \L \P"',
    r'"line\nbreak"', '"folded\n  over lines"', "'single\n\n  para'", r'"\e\f\v\r\b"',
    '""', "''", r'"esc\ space"', '"a\\\n  b"',
]  # fmt: skip
BLOCK_HEADS = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "|+2"]
BLOCK_LINES = ["text", "  more indented", "", "x: y", "# not a comment", "é"]
COMMENTS = ["", "", " # comment", "  #c", " # ü: [x]"]


@st.composite
def quoted(draw: Any) -> str:
    """A single- or double-quoted scalar."""
    text = draw(st.sampled_from(TRICKY_PLAIN))
    return draw(
        st.sampled_from(["'" + text.replace("'", "''") + "'", double_quoted(text)])
        | st.sampled_from(QUOTED_EXTRA)
    )


@st.composite
def plain(draw: Any) -> str:
    """A plain scalar: a tricky one or a random word or two."""
    return draw(
        st.sampled_from(TRICKY_PLAIN)
        | st.from_regex(r"[a-z][a-z0-9 _.-]{0,8}[a-z0-9]", fullmatch=True)
    )


@st.composite
def leaves(draw: Any) -> tuple[str, Any]:
    """A scalar of any style: plain, quoted, block (header and lines) or empty."""
    kind = draw(st.sampled_from(["plain", "quoted", "block", "empty"]))
    if kind == "plain":
        return kind, draw(plain())
    if kind == "quoted":
        return kind, draw(quoted())
    if kind == "block":
        lines = draw(st.lists(st.sampled_from(BLOCK_LINES), min_size=1, max_size=4))
        return kind, (draw(st.sampled_from(BLOCK_HEADS)), lines)
    return kind, ""


@st.composite
def keys(draw: Any) -> str:
    """A mapping key."""
    return draw(st.sampled_from(TRICKY_WORDS) | plain() | quoted())


@st.composite
def trees(draw: Any) -> Any:
    """Nested mappings and lists of :func:`leaves`."""
    return draw(
        st.recursive(
            leaves(),
            lambda children: st.one_of(
                st.lists(children, max_size=4).map(lambda items: ("seq", items)),
                st.lists(
                    st.tuples(keys(), children), max_size=4, unique_by=lambda pair: pair[0]
                ).map(lambda pairs: ("map", pairs)),
            ),
            max_leaves=14,
        )
    )


def render_flow(node: Any) -> str | None:
    """Flow style, or None where a leaf cannot be written in flow style."""
    kind, content = node
    if kind == "plain":
        return content if _flow_safe(content) and not content.startswith(("-", "?")) else None
    if kind == "quoted":
        return content
    if kind == "empty":
        return ""
    if kind == "block":
        return None
    if kind == "seq":
        items = [render_flow(item) for item in content]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    parts = []
    for key, value in content:
        text = render_flow(value)
        if text is None or not _flow_safe(key) or key.startswith(("-", "?")):
            return None
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def render_block(node: Any, indent: int, draw: Any) -> list[str]:
    """Lines of ``node`` as the value after a key or dash (the first line continues it)."""
    kind, content = node
    pad = " " * indent
    if kind in ("plain", "quoted", "empty"):
        text = content
        if kind == "plain" and draw(st.booleans()) and " " in text:
            first, _, rest = text.partition(" ")
            return [" " + first, pad + "  " + rest]  # a plain scalar over two lines
        return [(" " + text if text else "") + draw(st.sampled_from(COMMENTS))]
    if kind == "block":
        head, lines = content
        step = int(head[1]) if head[1:2].isdigit() else 2
        if any(line.startswith(" ") for line in lines[:1]) and not head[1:2].isdigit():
            lines = ["lead", *lines]
        return [" " + head] + [(pad + " " * step + line) if line else "" for line in lines]
    if draw(st.booleans()) and (flow := render_flow(node)) is not None:
        return [" " + flow + draw(st.sampled_from(COMMENTS))]
    step = draw(st.sampled_from([2, 4]))
    inner = " " * (indent + step)
    out: list[str] = [draw(st.sampled_from(COMMENTS))]
    if kind == "seq":
        if not content:
            return [" []"]
        for item in content:
            lines = render_block(item, indent + step + 2, draw)
            out.append(inner + "-" + lines[0])
            out.extend(lines[1:])
        return out
    if not content:
        return [" {}"]
    for key, value in content:
        if draw(st.integers(0, 9)) == 0:
            out.append(inner + "# a comment line")
        lines = render_block(value, indent + step, draw)
        out.append(inner + key + ":" + lines[0])
        out.extend(lines[1:])
    return out


@st.composite
def documents(draw: Any) -> str:
    """A YAML document of nested mappings and lists, rendered with random styles."""
    lines = render_block(draw(trees()), 0, draw)
    body = "\n".join(["root:" + lines[0], *lines[1:]])
    if draw(st.booleans()):
        body = "---\n" + body
    if draw(st.integers(0, 4)) == 0:
        body += "\n..."
    return body + "\n"


@settings(max_examples=examples(400))
@given(documents())
@example("root: {a: [1, .5, ~, yes], b: '0x1F'}\n")
def test_generated_documents_read_alike(text: str) -> None:
    check_same(text)


YAMLISH_CHARACTERS = [*"ab1 :-?#,[]{}'\"|>!&*%@`\n\t\\.0xeE+_~", "é", "\u2028", "  ", "\n  "]
YAMLISH = st.lists(st.sampled_from(YAMLISH_CHARACTERS), max_size=40).map("".join)


@st.composite
def mutated_documents(draw: Any) -> str:
    """A generated document with one to three characters inserted, deleted or replaced."""
    text = draw(documents())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 2))
        text = text[:at] + draw(st.sampled_from(["", *YAMLISH_CHARACTERS])) + text[at + cut :]
    return text


@settings(max_examples=examples(400))
@given(YAMLISH | mutated_documents())
@example("a: 1\n\tb: 2\n")
@example("[a, b, ]\n")
@example("{a:b}\n")
@example("- - a\n  - b\n")
@example("? a\n: b\n")
@example("a: |#c\n  x\n")
@example("|\n#\n")
def test_random_text_reads_alike(text: str) -> None:
    check_same(text)


@pytest.mark.parametrize("text", TRICKY_PLAIN)
def test_a_plain_scalar_resolves_as_the_reference(text: str) -> None:
    document = f"k: {text}\n"
    fast = fast_outcome(document)
    if fast is None:  # declined: the reference reports a problem or quotes it differently
        with pytest.raises(Declined):
            resolve_plain(text)
        return
    assert fast == reference_outcome(document)


def test_the_fast_path_declines_what_it_cannot_promise() -> None:
    for text in [
        "a: !!str 1\n",
        "a: &x 1\nb: *x\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "<<: {a: 1}\n",
        "a: 1\na: 2\n",
        "a:\tb\n",
        "a: 1\r\n",
        "\ufeffa: 1\n",
        "[a]: 1\n",
        "a: =\n",
        "a: >-#c\n  x\n",
        "--- >\n#\n",
        "a: [\n",
        "a: " + "[" * 70 + "]" * 70 + "\n",
    ]:
        with pytest.raises(Declined):
            parse_fast(text)
        assert _message(lambda text=text: parse(text, "x.yaml")) == _message(
            lambda text=text: parse(text, "x.yaml", reference=True)
        )
