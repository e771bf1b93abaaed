"""Rendered output of every sample in every format, compared with reviewed golden files.

Regenerate with ``pytest tests/test_golden.py --update-golden`` and review the
diff as you would review code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest

from autodiff_cli.render import RENDERERS, graphviz

from .helpers import REPO, SAMPLES, compare_with_golden

EXTENSIONS = {name: importlib.import_module(module).SUFFIX for name, module in RENDERERS.items()}


@pytest.fixture(autouse=True)
def _packaged_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden pages are laid out by the page's packaged fallback, as where Graphviz is not
    installed: Graphviz's coordinates move between its versions."""
    monkeypatch.setattr(graphviz, "dot_program", lambda: None)


def _without_assets(format_name: str) -> Callable[[str], str] | None:
    """A page's inlined script, style and dagre are the same in every page (tests/test_page.py
    tests them in a browser); its golden file holds their names in their place."""
    if format_name != "html":
        return None
    from autodiff_cli.render.formats.html import ASSETS, asset

    def normalise(page: str) -> str:
        for name in (*ASSETS, "dagre.LICENSE.txt"):
            text = asset(name) if name != "dagre.LICENSE.txt" else asset(name).replace("*/", "* /")
            page = page.replace(text, f"[{name}]\n")
        return page

    return normalise


def test_every_format_is_found_and_has_its_own_suffix() -> None:
    assert {"rich", "plain", "json", "dot", "mermaid", "markdown", "latex"} <= set(RENDERERS)
    assert len(set(EXTENSIONS.values())) == len(EXTENSIONS)


def test_there_are_enough_samples() -> None:
    assert len(SAMPLES) >= 6


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_golden(sample, format_name, update_golden) -> None:
    args = ["--file", str(sample), "--format", format_name]
    name = f"{sample.stem}.{EXTENSIONS[format_name]}"
    compare_with_golden(args, name, update_golden, normalise=_without_assets(format_name))


SURVEY_PROGRAM = "v1 = ln(x1)\nv2 = x1*x2\nv3 = sin(x2)\nv4 = v1 + v2\nv4 - v3"

OPTION_CASES = {
    # Every section, on a program whose intermediates are shared.
    "shared_program.all": ["--file", "samples/shared_program.toml", "--show", "all"],
    # Baydin et al. 2018, Tables 2 and 3, in the survey's own numbering and notation.
    "survey.v.all": [SURVEY_PROGRAM, "--at", "x1=2,x2=5", "--notation", "v", "--show", "all"],
    # The terminal picture of the graph, with a shared intermediate.
    "shared_program.graph": ["--file", "samples/shared_program.toml", "--show", "graph,paths"],
    # Only the new tables.
    "relu_neuron.adjoints_tangents": [
        "--file",
        "samples/relu_neuron.toml",
        "--show",
        "adjoints,tangents",
    ],
    # A kink makes the finite difference disagree, and the check says why.
    "relu_at_kink.check": ["relu(x) + x", "--at", "x=0", "--show", "check"],
    # Backprop by blocks (issue 17): each layer's value, adjoint and rule in matrix form.
    "two_layer_network.blocks": ["--file", "samples/two_layer_network.toml", "--show", "blocks"],
    # Several outputs (issue 17): the Jacobian by forward and by reverse sweeps, and a VJP.
    "jacobian.layer": [
        "y = tanh(W @ x)",
        "--at",
        "W=[[1,2,3],[4,5,6]],x=[0.1,0.2,-0.3]",
        "--wrt",
        "x",
        "--seed",
        "y=[1,-1]",
        "--show",
        "values",
    ],
    # A 2-2-1 network as a program, by every section: a handout must fit its page.
    "net_2_2_1.all": ["--file", "samples/net_2_2_1.toml", "--show", "all"],
    # Exact fractions, and the node where they stop.
    "division.exact": ["--file", "samples/division.toml", "--exact", "--show", "all"],
    "exact_leaves_rationals": [
        "x/3 + exp(x)*y",
        "--at",
        "x=1,y=1/7",
        "--exact",
        "--show",
        "values,partials,check",
    ],
}


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_golden_options(case, format_name, update_golden, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    args = [*OPTION_CASES[case], "--format", format_name]
    name = f"{case}.{EXTENSIONS[format_name]}"
    compare_with_golden(args, name, update_golden, normalise=_without_assets(format_name))
