"""Parsing of sweep values (``negsim.studies.grid``): lists, ranges, linspace, quoting, grids."""

from __future__ import annotations

import pytest

from negsim.studies.grid import Axis, Grid, GridError, build_grid, parse_assignment, parse_values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1:5", [1, 2, 3, 4, 5]),
        ("1:10:3", [1, 4, 7, 10]),
        ("1:9:3", [1, 4, 7]),  # never overshoots
        ("10:1", [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]),  # descending, step -1 implied
        ("10:1:-4", [10, 6, 2]),
        ("3:3", [3]),
        ("0.9:0.99:0.03", [0.9, 0.93, 0.96, 0.99]),
        ("0:1:0.3", [0.0, 0.3, 0.6, 0.9]),  # a step that does not divide the span
        ("0.1:0.3:0.1", [0.1, 0.2, 0.3]),  # 0.1 + 2*0.1 = 0.30000000000000004: kept inclusive
        ("1:0:-0.25", [1.0, 0.75, 0.5, 0.25, 0.0]),
        ("1:2:0.5", [1.0, 1.5, 2.0]),  # a float step makes floats
        ("linspace(0, 1, 5)", [0.0, 0.25, 0.5, 0.75, 1.0]),
        ("linspace(0.9,0.99,4)", [0.9, 0.93, 0.96, 0.99]),
        ("linspace(2, 3, 1)", [2.0]),
        ("0.95", [0.95]),
        ("7", [7]),
        ("a,b,c", ["a", "b", "c"]),
        ("1,2.5,x,true,null", [1, 2.5, "x", True, None]),
        ("'1:2','a,b'", ["1:2", "a,b"]),
        ('"7"', ["7"]),
        ("1:3,7", [1, 2, 3, 7]),
        (" 1 , 2 ", [1, 2]),
        ("1e-3", [0.001]),
    ],
)
def test_values(text: str, expected: list[object]) -> None:
    values = parse_values(text)
    assert values == expected
    assert [type(v) for v in values] == [type(v) for v in expected]


def test_range_stop_tolerance() -> None:
    # stop is reached within 1e-9 steps: included, reported as stop exactly
    assert parse_values("0:0.3:0.1")[-1] == 0.3
    assert parse_values("0:0.29999999999:0.1")[-1] == 0.29999999999
    assert parse_values("0:0.2999:0.1") == [0.0, 0.1, 0.2]


@pytest.mark.parametrize(
    "text",
    [
        "1:10:0",
        "1:10:-1",
        "10:1:1",
        "a:b",
        "1:2:3:4",
        "linspace(0,1)",
        "linspace(0,1,0)",
        "linspace(0,1,2.5)",
        "1,,2",
        "'open",
        "",
        "1:inf",
        "0:1e9:1e-9",
    ],
)
def test_bad_values(text: str) -> None:
    with pytest.raises(GridError):
        parse_values(text)


def test_assignment() -> None:
    assert parse_assignment("protocol.deadline=1:3") == Axis("protocol.deadline", (1, 2, 3))
    assert parse_assignment("parties.us.values.sanctions_relief.100=0,0.5").values == (0, 0.5)
    for bad in ("protocol.deadline", "=1", "a..b=1", "a b=1"):
        with pytest.raises(GridError):
            parse_assignment(bad)


def test_full_grid_order_and_points() -> None:
    grid = build_grid(["a=1:2", "b=x,y,z"])
    assert grid.size == 6 and grid.shape == (2, 3)
    points = list(grid.points())
    assert points[:4] == [(1, "x"), (1, "y"), (1, "z"), (2, "x")]
    assert [grid.point(i) for i in range(grid.size)] == points


def test_zip() -> None:
    grid = build_grid(["a=1:3", "b=x,y,z"], zip_axes=True)
    assert list(grid.points()) == [(1, "x"), (2, "y"), (3, "z")]
    assert grid.point(2) == (3, "z")
    with pytest.raises(GridError, match="same number"):
        build_grid(["a=1:3", "b=x,y"], zip_axes=True)


def test_grid_needs_distinct_paths() -> None:
    with pytest.raises(GridError):
        build_grid([])
    with pytest.raises(GridError, match="twice"):
        Grid((Axis("a", (1,)), Axis("a", (2,))))
