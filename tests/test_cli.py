"""The ``negsim`` command line: validate, show, examples, new, schema; exit codes and streams."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from negsim import __version__
from negsim.cli import app
from negsim.errors import ScenarioError
from negsim.format import bundled, catalog
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.space import OutcomeSpace

PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: \S+: .+$")
BAD_SCENARIO = """\
negsim: 1
name: Broken
issues:
  deal:
    options: [yes_deal, no_deal]
parties:
  a:
    values: {deal: {yes_deal: 1, no_deal: 0}}
    discont: 0.9
  b:
    values: {deal: {yes_deal: 0, no_deal: 1}}
    discount: 2
"""


def run(args: list[str], input: str | bytes | None = None) -> Result:
    """Invoke the CLI in-process; a Python exception (a traceback for users) fails the test."""
    result = CliRunner().invoke(app, args, input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected exception: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_SCENARIO, encoding="utf-8")
    return path


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------------------------
# The command itself


def test_version() -> None:
    result = run(["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"negsim {__version__}"


def test_no_arguments_shows_help() -> None:
    result = run([])
    assert "Usage" in result.output
    for command in ("validate", "show", "examples", "new", "schema"):
        assert command in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = run(["no-such-command"])
    assert result.exit_code == 2


def test_python_dash_m_negsim() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "negsim", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"negsim {__version__}"


# --------------------------------------------------------------------------------------------
# validate


@pytest.mark.parametrize("name", bundled.bundled_names())
def test_validate_bundled_name(name: str) -> None:
    result = run(["validate", name])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{name}: ok\n"
    assert result.stderr == ""


def test_validate_path_and_several_files(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(run(["new", "t", "-o", "-"]).stdout, encoding="utf-8")
    result = run(["validate", str(path), "pie-split.yaml"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{path}: ok", "pie-split.yaml: ok"]


def test_validate_bad_file_prints_every_problem_on_stderr(bad_file: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad_file)
    expected = [str(problem) for problem in caught.value.problems]
    assert len(expected) == 2

    result = run(["validate", str(bad_file)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected
    for line in expected:
        assert line.startswith(f"{bad_file}:")
        assert PROBLEM_LINE.match(line)
    assert "discont" in result.stderr and "did you mean 'discount'" in result.stderr


def test_validate_checks_every_file_before_failing(bad_file: Path) -> None:
    result = run(["validate", str(bad_file), "pie-split", str(bad_file)])
    assert result.exit_code == 2
    assert result.stdout == "pie-split: ok\n"
    assert len(result.stderr.splitlines()) == 4


@pytest.mark.parametrize("kind", ["missing", "folder", "binary", "empty", "yaml-error"])
def test_validate_unreadable_input(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "input.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    elif kind == "empty":
        path.write_text("", encoding="utf-8")
    elif kind == "yaml-error":
        path.write_text("negsim: 1\nname: [unclosed\n", encoding="utf-8")
    result = run(["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}")


def test_validate_stdin_ok() -> None:
    text = (bundled.bundled_dir() / "pie-split.yaml").read_text(encoding="utf-8")
    result = run(["validate", "-"], input=text)
    assert result.exit_code == 0
    assert result.stdout == "<stdin>: ok\n"


def test_validate_stdin_bad() -> None:
    result = run(["validate", "-"], input=BAD_SCENARIO)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("<stdin>:") and PROBLEM_LINE.match(line) for line in lines)


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary\xff"])
def test_validate_stdin_empty_or_binary(data: bytes) -> None:
    result = run(["validate", "-"], input=data)
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>:")


def test_validate_needs_a_file() -> None:
    assert run(["validate"]).exit_code == 2


# --------------------------------------------------------------------------------------------
# show


@pytest.mark.parametrize("name", bundled.bundled_names())
def test_show_bundled_example(name: str) -> None:
    from negsim.analysis.merged import outcome_space
    from negsim.present.words import count_text

    scenario = load_scenario(bundled.bundled_dir() / f"{name}.yaml")
    space = outcome_space(scenario)
    result = run(["show", name])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert scenario.name.split()[0] in out
    assert count_text(scenario.n_packages) in out
    assert count_text(space.feasible_packages) in out
    for issue in scenario.issues:
        assert issue.name in out
    for party in scenario.parties:
        assert party.name in out
    # an enumerated space gives its memory estimate, a merged one its largest block
    assert ("memory" in out) if space.is_enumerated else ("merged, not enumerated" in out)


def test_show_template_shows_every_section() -> None:
    text = run(["new", "Everything", "-o", "-"]).stdout
    result = run(["show", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in (
        "Issues",
        "Parties",
        "What each party wants",
        "Protocol",
        "Constraints",
        "Mediators",
        "Uncertainty",
        "Simulation",
        "Outcome space",
    ):
        assert heading in out
    scenario = load_scenario_text(text, "<stdin>")
    space = OutcomeSpace.from_scenario(scenario)
    assert f"= {scenario.n_packages:,}" in out
    assert f"{space.n_feasible:,} ({scenario.n_packages - space.n_feasible:,} excluded" in out
    assert "another buyer" in out  # a lottery branch
    assert "trade_association" in out


def test_show_bad_file(bad_file: Path) -> None:
    result = run(["show", str(bad_file)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert all(PROBLEM_LINE.match(line) for line in result.stderr.splitlines())


def test_show_unknown_name_suggests_an_example(in_tmp: Path) -> None:
    result = run(["show", "pie-splitt"])
    assert result.exit_code == 2
    assert "pie-splitt" in result.stderr
    assert "did you mean 'pie-split'" in result.stderr
    assert "negsim examples" in result.stderr


# --------------------------------------------------------------------------------------------
# examples


def test_examples_grouped_by_what_they_teach_when_piped() -> None:
    result = run(["examples"])
    assert result.exit_code == 0
    text = result.stdout
    headings = [line.removesuffix(":") for line in text.splitlines() if line[:1].isalpha()]
    in_order = [group for group in catalog.GROUPS if group in headings]
    assert headings == in_order, "groups in course order"
    for name, path in bundled.list_bundled():
        place = catalog.entry(name)
        assert place.group != catalog.OTHER
        (line,) = [line for line in text.splitlines() if line.split()[:1] == [name]]
        assert load_scenario(path).name.startswith(line.split(maxsplit=1)[1])
        section = ("\n" + text).split(f"\n{place.group}:\n")[1].split("\n\n")[0]
        assert f"  {name} " in section
        assert " ".join(place.teaches.split()) in " ".join(section.split())


def test_examples_json_lists_every_example_with_its_lesson() -> None:
    result = run(["examples", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [item["name"] for item in listed] == [name for name, _ in bundled.list_bundled()]
    for item in listed:
        assert set(item) == {"name", "title", "group", "teaches", "path"}
        assert item["group"] in catalog.GROUPS and item["teaches"]
        assert load_scenario(Path(item["path"])).name == item["title"]


def test_examples_lists_an_uncatalogued_scenario_under_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (bundled.bundled_dir() / "pie-split.yaml").read_text(encoding="utf-8")
    (tmp_path / "pie-split.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "my-own-talks.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(bundled, "bundled_dir", lambda: tmp_path)
    result = run(["examples"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Dividing a surplus:"
    assert lines.index("Other:") > lines.index("Dividing a surplus:")
    assert lines[lines.index("Other:") + 1].split()[0] == "my-own-talks"
    listed = json.loads(run(["examples", "--format", "json"]).stdout)
    first = listed[0]
    assert (first["name"], first["group"], first["teaches"]) == (
        "my-own-talks",
        catalog.OTHER,
        "",
    )


# --------------------------------------------------------------------------------------------
# new


def test_new_writes_a_valid_scenario(in_tmp: Path) -> None:
    result = run(["new", "my-talks"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "my-talks.yaml" in result.stderr
    path = in_tmp / "my-talks.yaml"
    scenario = load_scenario(path)
    assert scenario.name == "my-talks"
    assert run(["validate", str(path)]).exit_code == 0


def test_new_refuses_to_overwrite_without_force(in_tmp: Path) -> None:
    path = in_tmp / "talks.yaml"
    path.write_text("precious\n", encoding="utf-8")
    result = run(["new", "talks"])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert path.read_text(encoding="utf-8") == "precious\n"

    result = run(["new", "talks", "--force"])
    assert result.exit_code == 0
    assert load_scenario(path).name == "talks"


def test_new_output_path(in_tmp: Path) -> None:
    target = in_tmp / "sub" / "elsewhere.yaml"
    target.parent.mkdir()
    result = run(["new", "Border talks", "-o", str(target)])
    assert result.exit_code == 0
    assert load_scenario(target).name == "Border talks"
    assert not (in_tmp / "Border talks.yaml").exists()
    assert run(["new", "Border talks", "-o", str(target)]).exit_code == 2


def test_new_to_stdout_writes_no_file(in_tmp: Path) -> None:
    result = run(["new", "x", "-o", "-"])
    assert result.exit_code == 0
    assert list(in_tmp.iterdir()) == []
    assert load_scenario_text(result.stdout, "<stdout>").name == "x"


def test_new_quotes_awkward_names(in_tmp: Path) -> None:
    name = 'Talks: "A" & B # not a comment'
    result = run(["new", name, "-o", "-"])
    assert load_scenario_text(result.stdout, "<stdout>").name == name


def test_new_name_with_suffix(in_tmp: Path) -> None:
    assert run(["new", "deal.yaml"]).exit_code == 0
    assert load_scenario(in_tmp / "deal.yaml").name == "deal"


def test_new_write_failure_exits_1(in_tmp: Path) -> None:
    result = run(["new", "x", "-o", str(in_tmp / "missing-folder" / "x.yaml")])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


def test_new_into_a_folder_is_refused(in_tmp: Path) -> None:
    assert run(["new", "x", "-o", str(in_tmp)]).exit_code == 2


def test_new_empty_name(in_tmp: Path) -> None:
    assert run(["new", " "]).exit_code == 2
    assert list(in_tmp.iterdir()) == []


# --------------------------------------------------------------------------------------------
# schema


def test_schema_prints_json_schema() -> None:
    result = run(["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert {"negsim", "name", "issues", "parties"} <= set(schema["required"])
