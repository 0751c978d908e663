"""Finding the bundled example scenarios and resolving scenario arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from negsim.format import bundled, catalog
from negsim.format.loader import load_scenario

EXPECTED = {
    "venezuela-2025", "pie-split", "logrolling", "territorial-dispute",
    "labor-contract", "used-car", "hostage-ultimatum", "coalition-split", "merger",
}  # fmt: skip


def test_bundled_dir_is_the_scenarios_folder():
    folder = bundled.bundled_dir()
    assert folder.is_dir()
    assert folder.name == "scenarios"


def test_list_bundled_is_sorted_stems_of_yaml_files():
    entries = bundled.list_bundled()
    names = [name for name, _ in entries]
    assert names == sorted(names)
    assert set(names) >= EXPECTED
    for name, path in entries:
        assert path.is_file()
        assert path.suffix == ".yaml"
        assert path.stem == name
    assert bundled.bundled_names() == names


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_expected_example_loads(name):
    path = bundled.resolve(name)
    assert path is not None
    scenario = load_scenario(path)
    assert scenario.name.strip()


def test_every_bundled_scenario_is_valid():
    for _, path in bundled.list_bundled():
        load_scenario(path)  # raises ScenarioError with every problem otherwise


@pytest.mark.parametrize("argument", ["pie-split", "pie-split.yaml"])
def test_resolve_bare_name_with_or_without_suffix(argument, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bundled.resolve(argument) == bundled.bundled_dir() / "pie-split.yaml"


def test_resolve_prefers_an_existing_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pie-split.yaml").write_text("negsim: 1\n", encoding="utf-8")
    assert bundled.resolve("pie-split.yaml") == Path("pie-split.yaml")
    # an existing folder is returned too: the loader says what is wrong with it
    (tmp_path / "pie-split").mkdir()
    assert bundled.resolve("pie-split") == Path("pie-split")


@pytest.mark.parametrize(
    "argument", ["", "no-such-example", "no-such-example.yaml", "sub/pie-split", "./pie-split"]
)
def test_resolve_returns_none_for_unknown_names_and_missing_paths(argument, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bundled.resolve(argument) is None


def test_packaged_folder_wins_over_the_source_checkout(tmp_path, monkeypatch):
    # In a wheel the scenarios are shipped as negsim/scenarios.
    packaged = tmp_path / "scenarios"
    packaged.mkdir()
    (packaged / "b.yaml").write_text("", encoding="utf-8")
    (packaged / "a.yaml").write_text("", encoding="utf-8")
    (packaged / "notes.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(bundled.resources, "files", lambda package: tmp_path)
    assert bundled.bundled_dir() == packaged
    assert [name for name, _ in bundled.list_bundled()] == ["a", "b"]


def test_missing_folder_lists_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(bundled, "bundled_dir", lambda: tmp_path / "missing")
    assert bundled.list_bundled() == []
    assert bundled.resolve("pie-split") is None


def test_every_bundled_scenario_is_in_the_catalogue():
    """A new bundled scenario needs its group and lesson in negsim/format/catalog.py."""
    names = bundled.bundled_names()
    missing = [name for name in names if name not in catalog.CATALOG]
    assert missing == [], f"add {missing} to CATALOG in negsim/format/catalog.py"
    stale = [name for name in catalog.CATALOG if name not in names]
    assert stale == [], f"{stale} in the catalogue are not bundled"
    for name, place in catalog.CATALOG.items():
        assert place.group in catalog.GROUPS, name
        assert place.teaches.strip() and "\n" not in place.teaches, name


def test_every_group_has_an_example_and_course_order_follows_the_groups():
    groups = {place.group for place in catalog.CATALOG.values()}
    assert groups == set(catalog.GROUPS)
    ordered = catalog.in_course_order([*bundled.bundled_names(), "zz-mine", "aa-mine"])
    ranks = [catalog.group_rank(catalog.entry(name).group) for name in ordered]
    assert ranks == sorted(ranks)
    assert ordered[-2:] == ["aa-mine", "zz-mine"]
