"""Fixtures shared by every test folder; the helpers behind them live in :mod:`tests.helpers`."""

from __future__ import annotations

from pathlib import Path

import pytest

from achlab.model import Case
from tests.helpers import ToyCase, write_toy_case


@pytest.fixture
def toy_case_dir(tmp_path: Path) -> ToyCase:
    """A small valid case folder ``data/toy`` and a scenario file, in a temporary folder."""
    return write_toy_case(tmp_path)


@pytest.fixture(scope="session")
def bundled() -> Case:
    """The bundled case ``nk-troops-2024`` as loaded from the project's ``data/``."""
    from achlab.load.case import load_case

    return load_case("nk-troops-2024")
