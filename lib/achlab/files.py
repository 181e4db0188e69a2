"""Files written whole or not at all.

Every output, kept fit and manifest is written under a temporary name beside its target and
renamed onto it, so that a reader (another run, a browser, an interrupted run's next start) sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic(target: Path) -> Iterator[str]:
    """A temporary file beside ``target``, moved onto it when the block succeeds.

    Parameters
    ----------
    target : Path
        The file to write; its folder must exist.

    Yields
    ------
    str
        The temporary file's path, to write to. It is removed when the block fails.
    """
    target = Path(target)
    # Hidden and ending in .tmp: no reader globbing for the target's kind picks it up.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` whole or not at all; returns ``target``."""
    with atomic(target) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(target)
