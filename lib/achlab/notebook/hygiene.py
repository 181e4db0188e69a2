"""Keep committed notebooks clean: no outputs, no execution counts.

``python -m achlab.notebook.hygiene notebooks`` lists offending notebooks (exit 1 if any);
``--strip`` removes outputs and execution counts in place (for notebooks you edited).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat


def notebook_files(folder: Path) -> list[Path]:
    """Every notebook below ``folder`` (checkpoints excluded)."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def dirty(path: Path) -> bool:
    """True if a notebook carries outputs or execution counts."""
    nb = nbformat.read(path, as_version=4)
    return any(c.get("outputs") or c.get("execution_count") for c in nb.cells)


def strip(path: Path) -> bool:
    """Remove outputs and execution counts; returns True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
            cell.outputs, cell.execution_count = [], None
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m achlab.notebook.hygiene")
    parser.add_argument("folders", nargs="*", default=["notebooks"])
    parser.add_argument("--strip", action="store_true", help="strip outputs in place")
    args = parser.parse_args(argv)
    files = [p for f in args.folders for p in notebook_files(Path(f))]
    if args.strip:
        for p in files:
            if strip(p):
                print(f"stripped {p}")
        return 0
    bad = [p for p in files if dirty(p)]
    for p in bad:
        print(f"{p}: carries outputs or execution counts (python -m achlab.notebook.hygiene "
              "--strip)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
