"""Dotted paths into scenario data."""

from __future__ import annotations

import pytest

from negsim.format.paths import PathError, get_path, set_path

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
