"""Writing what negsim makes to files, never losing what a user had: an existing file is
replaced only when asked (``force``)."""

from __future__ import annotations

from pathlib import Path


def write_new(path: Path, content: str | bytes, force: bool) -> None:
    """Write ``content`` (text as UTF-8 with ``\\n`` line ends, or bytes) to ``path``.

    Raises
    ------
    IsADirectoryError
        When ``path`` is a folder.
    FileExistsError
        When ``path`` exists and ``force`` is false (the file is left as it was).
    OSError
        When the file cannot be written.
    """
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name")
    mode = ("w" if force else "x") + ("b" if isinstance(content, bytes) else "")
    if isinstance(content, bytes):
        with path.open(mode) as handle:
            handle.write(content)
    else:
        with path.open(mode, encoding="utf-8", newline="\n") as handle:
            handle.write(content)
