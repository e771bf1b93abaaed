"""At a kink and where values are not finite, what a student reads is what the number is
(issue 14, point 2): the piecewise formula gives the value beside it, a node tied with itself
is no kink, the cross-check says there is no derivative, and inf · 0 has one rule."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.formula import Cases
from autodiff_cli.ops import OPS, Operand
from autodiff_cli.render import RENDERERS, RenderOptions, renderer

from .helpers import output

PIECEWISE = [
    (op, position)
    for op in OPS.values()
    for position, partial in enumerate(op.partials)
    if isinstance(partial.formula, Cases)
]


def read_piecewise(text: str) -> list[tuple[Fraction, Fraction, str, Fraction]]:
    """``(1 if 2 > 0, 0 if 2 < 0, 1/2 if 2 = 2 by convention)`` read by this test alone, as
    (value, left, relation, right) rows: what a student reads, not how the tool prints it."""
    assert text.startswith("(") and text.endswith(")"), text
    rows = []
    for row in text[1:-1].split(", "):
        match = re.fullmatch(r"(\S+) if (\S+) ([<>=]) (\S+)( by convention)?", row)
        assert match is not None, row
        value, left, relation, right, _ = match.groups()
        rows.append((Fraction(value), Fraction(left), relation, Fraction(right)))
    return rows


def holds(left: Fraction, relation: str, right: Fraction) -> bool:
    return {"<": left < right, ">": left > right, "=": left == right}[relation]


@pytest.mark.parametrize(("op", "position"), PIECEWISE, ids=lambda x: getattr(x, "name", x))
def test_a_piecewise_partial_gives_the_value_beside_it_even_at_the_tie(op, position) -> None:
    assert PIECEWISE, "the table has piecewise partials"
    partial = op.partials[position]

    @given(st.lists(st.integers(-2, 2), min_size=op.arity, max_size=op.arity))
    def check(args: list[int]) -> None:
        text = partial.text([Operand(str(arg)) for arg in args])
        matching = [value for value, *condition in read_piecewise(text) if holds(*condition)]
        assert len(matching) == 1, (text, matching)  # every point is covered, once
        assert matching[0] == partial.compute(args, op.evaluate(args)), text

    check()


@pytest.mark.parametrize("format_name", ["plain", "rich", "markdown", "latex", "dot", "mermaid"])
def test_every_format_prints_the_tie_and_its_convention(format_name: str) -> None:
    result = explain("relu(x) + max(0, y)", at={"x": 0, "y": 0})
    text = renderer(format_name)(result, RenderOptions())
    assert "by convention" in text
    assert ("1/2 if w2 = 0" in text) or (r"\frac{1}{2} & \text{if } w_{2} = 0" in text)


def test_max_of_a_node_with_itself_is_no_kink() -> None:
    for expression in ("max(x, x)", "min(x, x)", "a = sin(x); max(a, a)"):
        result = explain(expression, at={"x": 1}, check=True)
        assert not result.diagnostics, expression
        assert not any(edge.nondifferentiable for edge in result.edges)
        wanted = 1 if "sin" not in expression else math.cos(1)
        assert result.gradient["x"] == pytest.approx(wanted)
        assert result.checks["x"].agree and not result.checks["x"].kinks
    # Two nodes that merely have equal values still meet at a kink.
    assert explain("max(x, 2*x - 2)", at={"x": 2}).diagnostics


@pytest.mark.parametrize(
    ("expression", "at"),
    [("relu(x) + x", "x=0"), ("max(x, 2*x-2)", "x=2"), ("abs(x)", "x=0")],
)
def test_at_a_kink_the_check_says_no_derivative_exists(expression: str, at: str) -> None:
    text = output(expression, "--at", at, "--show", "check", "--format", "plain")
    line = next(line for line in text.splitlines() if line.startswith("Check"))
    assert line.endswith("AD's routes agree on the convention; no derivative exists here")
    assert "all agree ✓" not in text and "do not all agree" not in text


def test_a_kink_off_the_way_to_a_variable_does_not_touch_its_check() -> None:
    # x^y at x < 0: no partial by y, but the partial by x exists.
    result = explain("x^y", at={"x": -2, "y": 2}, check=True)
    assert result.checks["x"].kinks == () and result.checks["x"].agree
    assert result.checks["y"].kinks == ("w3",)


def test_three_nan_are_one_outcome_and_the_check_names_where_nan_began() -> None:
    text = output("sqrt(x*x)", "--at", "x=0", "--show", "check", "--format", "plain")
    line = next(line for line in text.splitlines() if line.startswith("Check"))
    assert "path sum nan, reverse sweep nan, forward sweep nan" in line
    assert line.endswith("AD's routes all give nan")
    assert "nan began at ∂w3/∂w2 · w\u03072 = inf · 0" in text


def test_inf_times_zero_has_one_rule_in_both_sweeps() -> None:
    # sqrt(x*x) = |x| at 0: PyTorch gives nan forward and backward; so does every route here.
    result = explain("sqrt(x*x)", at={"x": 0}, forward_mode=True)
    assert math.isnan(result.gradient["x"])
    assert math.isnan(result.tangents["x"][result.graph.output])
    assert math.isnan(result.chains[0].path_sum)
    # An input the seed does not reach still passes nothing, even along a nan partial.
    assert explain("x^y", at={"x": -2, "y": 2}, forward_mode=True).tangents["x"][2] == -4


def test_a_missing_finite_difference_names_the_point_it_tried() -> None:
    text = output("sqrt(y-2)", "--at", "y=2", "--show", "check", "--format", "plain")
    assert "no finite difference either: at y = 2 ± 2e-9," in text


def test_every_format_but_json_prints_the_same_check_words() -> None:
    result = explain("relu(x) + x", at={"x": 0}, check=True)
    # The page (html) shows its own stepper, not the check lines.
    for format_name in sorted(set(RENDERERS) - {"json", "dot", "mermaid", "html"}):
        options = RenderOptions(sections=frozenset({"check"}))
        text = renderer(format_name)(result, options)
        assert "no derivative exists here" in " ".join(text.split()), format_name
