"""The commented template of a scenario behind ``negsim new``: the whole format, every key
explained (``template.yaml`` beside this module)."""

from __future__ import annotations

import json
import re
from importlib import resources

NAME_LINE = re.compile(r"^name:.*$", re.MULTILINE)


def template_text(name: str) -> str:
    """The template with ``name`` as the scenario's title (quoted as YAML needs)."""
    text = resources.files("negsim.format").joinpath("template.yaml").read_text(encoding="utf-8")
    return NAME_LINE.sub(lambda _: f"name: {json.dumps(name, ensure_ascii=False)}", text, 1)
