"""The ``negsim`` command and ``python -m negsim``.

``negsim --version`` is answered before the command line's framework is imported, so it
returns at once; everything else goes to :func:`negsim.cli.main`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point of the ``negsim`` command."""
    if sys.argv[1:] == ["--version"]:
        from negsim.version import __version__

        print(f"negsim {__version__}")
        return
    from negsim.cli import main as run

    run()


if __name__ == "__main__":
    main()
