"""The ``negsim`` command and ``python -m negsim``.

``negsim --version`` is answered before the command line's framework is imported, so it
returns at once; everything else goes to :func:`negsim.cli.main`.

The linear-algebra libraries run on one thread unless the environment says otherwise:
negsim's arrays are worked element by element, where threads bring nothing, and starting a
thread pool costs every command about 0.05 s (sweeps run their points in parallel
instead).
"""

from __future__ import annotations

import os
import sys

SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def main() -> None:
    """Entry point of the ``negsim`` command."""
    if sys.argv[1:] == ["--version"]:
        from negsim.version import __version__

        print(f"negsim {__version__}")
        return
    for name in SINGLE_THREAD:
        os.environ.setdefault(name, "1")
    from negsim.cli import main as run

    run()


if __name__ == "__main__":
    main()
