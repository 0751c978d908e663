"""Dotted paths into scenario data."""

from __future__ import annotations

import pytest

from negsim.format.paths import PathError, format_path, get_path, parse_path, set_path

DATA = {
    "protocol": {"deadline": 7},
    "parties": {"us": {"values": {"relief": {0: 1.0, 100: 0.0}}}},
    "constraints": [{"forbid": {"amnesty": "full"}}],
}


def test_get_and_set() -> None:
    assert get_path(DATA, "protocol.deadline") == 7
    assert get_path(DATA, "parties.us.values.relief.100") == 0.0
    assert get_path(DATA, "constraints.0.forbid.amnesty") == "full"
    changed = set_path(DATA, "parties.us.values.relief.100", 0.25)
    assert changed["parties"]["us"]["values"]["relief"] == {0: 1.0, 100: 0.25}
    assert DATA["parties"]["us"]["values"]["relief"][100] == 0.0  # the original is untouched
    added = set_path(DATA, "parties.us.discount", 0.9)  # a default made explicit
    assert added["parties"]["us"]["discount"] == 0.9


def test_a_wrong_middle_part_is_an_error() -> None:
    with pytest.raises(PathError, match="no 'uss' at parties"):
        set_path(DATA, "parties.uss.discount", 0.9)
    with pytest.raises(PathError, match="no 'deadlin' at protocol"):
        get_path(DATA, "protocol.deadlin")


# --------------------------------------------------------------------------------------------
# The grammar: brackets, quoted keys, removal, lottery branches


LOTTERY = {
    "parties": {"us": {"disagreement": {"lottery": [
        {"p": 0.5, "value": 0.85}, {"p": 0.3, "value": 0.3}, {"p": 0.2, "value": 0.0}]}}},
    "uncertainty": {"us.disagreement": {"uniform": [0, 1], "types": 101}},
    "mediators": {"qatar": {"guarantees": {"us": {"amnesty": 0.8}}}},
    "issues": {"amnesty": {"options": ["none", "full"]}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("protocol.deadline", ("protocol", "deadline")),
        ("parties.us.disagreement.lottery[1].p", ("parties", "us", "disagreement", "lottery", 1,
                                                  "p")),
        ('uncertainty["us.disagreement"].types', ("uncertainty", "us.disagreement", "types")),
        ("uncertainty['us.disagreement'].types", ("uncertainty", "us.disagreement", "types")),
        ("constraints.0.forbid", ("constraints", "0", "forbid")),
    ],
)  # fmt: skip
def test_paths_parse_in_the_form_validate_prints(path: str, parts: tuple) -> None:
    assert parse_path(path) == parts
    assert parse_path(format_path(parse_path(path))) == parse_path(path)


@pytest.mark.parametrize("bad", ["", "a..b", "a.", ".a", "[0]", "a[", "a b", 'x["a.b"]y', "a=b"])
def test_text_that_is_not_a_path_is_refused(bad: str) -> None:
    with pytest.raises(PathError):
        parse_path(bad)


def test_a_quoted_key_reaches_a_key_that_holds_a_dot() -> None:
    assert get_path(LOTTERY, 'uncertainty["us.disagreement"].types') == 101
    changed = set_path(LOTTERY, 'uncertainty["us.disagreement"].types', 11)
    assert changed["uncertainty"]["us.disagreement"]["types"] == 11


def test_moving_one_lottery_branch_rescales_the_others_in_proportion() -> None:
    """Branch 0 from 0.5 to 0.8: the others (0.3 and 0.2) share the remaining 0.2 as 3:2;
    the brackets form and the dotted form do the same."""
    for path in ("parties.us.disagreement.lottery[0].p", "parties.us.disagreement.lottery.0.p"):
        branches = set_path(LOTTERY, path, 0.8)["parties"]["us"]["disagreement"]["lottery"]
        assert [b["p"] for b in branches] == pytest.approx([0.8, 0.12, 0.08])
        assert sum(b["p"] for b in branches) == pytest.approx(1.0, abs=1e-12)
    zeroed = set_path(LOTTERY, "parties.us.disagreement.lottery[0].p", 1.0)
    branches = set_path(zeroed, "parties.us.disagreement.lottery[0].p", 0.4)
    assert [b["p"] for b in branches["parties"]["us"]["disagreement"]["lottery"]] == (
        pytest.approx([0.4, 0.3, 0.3])  # all others were 0: they share equally
    )


def test_null_removes_a_key_and_none_removes_a_block_only() -> None:
    assert "mediators" not in set_path(LOTTERY, "mediators", None)
    assert "qatar" not in set_path(LOTTERY, "mediators.qatar", "none")["mediators"]
    # elsewhere "none" is text: an option's name
    assert set_path(LOTTERY, "issues.amnesty.options[0]", "none")["issues"]["amnesty"][
        "options"] == ["none", "full"]  # fmt: skip
    with pytest.raises(PathError, match="cannot be removed"):
        set_path(LOTTERY, "issues.amnesty.options[0]", None)


def test_a_misspelt_part_gets_a_hint() -> None:
    with pytest.raises(PathError, match=r"no 'uncertainy' at the top \(did you mean 'uncertainty'"):
        get_path(LOTTERY, "uncertainy.x")
    with pytest.raises(PathError, match=r"lottery has 3 items; no item \[5\]"):
        get_path(LOTTERY, "parties.us.disagreement.lottery[5].p")
