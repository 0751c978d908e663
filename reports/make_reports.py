"""Regenerate the report of every bundled scenario into ``reports/NAME/`` (or of the named
ones), as ``negsim report NAME -o reports/NAME --force`` would, removing charts an earlier
version made that the report no longer has.

    python reports/make_reports.py                 # every bundled scenario
    python reports/make_reports.py venezuela-2025  # one

``tests/test_report.py`` checks that each ``reports/NAME/data.json`` is what the code
gives today.
"""

from __future__ import annotations

import sys
from pathlib import Path

import negsim
from negsim.cli.reporting import make_report

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    chosen = names or [example.name for example in negsim.examples()]
    for name in chosen:
        folder = HERE / name
        print(f"== {name}", file=sys.stderr)
        written, pages = make_report(negsim.load(name), folder)
        kept = {path.resolve() for path in written}
        for old in sorted((folder / "charts").glob("*.png")):
            if old.resolve() not in kept:
                old.unlink()
        print(f"   {len(written)} files, a PDF of {pages} pages", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
