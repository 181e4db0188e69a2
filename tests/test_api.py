"""The curated public API of ``achlab``: every name resolves, and heavy parts load on demand."""

from __future__ import annotations

import subprocess
import sys

import pytest

import achlab


@pytest.mark.parametrize("name", achlab.__all__)
def test_every_public_name_resolves(name):
    assert getattr(achlab, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        achlab.nothing_here  # noqa: B018


def test_importing_achlab_loads_neither_pymc_nor_matplotlib():
    code = ("import sys, achlab; achlab.exact_weights; "
            "print(sorted(m for m in ('pymc', 'matplotlib', 'pptx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_notebook_needs_one_import_line_for_the_common_path():
    from achlab import exact_weights, heuer_scores, resolve

    case = resolve("scenarios/baseline.yaml")
    assert exact_weights(case).leading == "combat"
    assert set(heuer_scores(case).as_dict()) >= {"inconsistency", "weighted_inconsistency"}
