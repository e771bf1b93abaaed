"""Programs (named intermediates shared by later statements), the adjoint and tangent
sweeps, the cross-check, and the survey's notation."""

from __future__ import annotations

import json
import math

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain

from .helpers import run, time_limit
from .strategies import PROGRAM_NAMES as NAMES
from .strategies import SYMBOLS, programs


def test_a_named_intermediate_is_one_node_shared_by_later_statements() -> None:
    result = explain("a = x*x; a + a", {"x": 3})
    nodes = result.graph.nodes
    assert [(n.id, n.name, n.formula) for n in nodes] == [
        ("w1", "x", "x"),
        ("w2", "a", "w1 * w1"),
        ("w3", None, "w2 + w2"),
    ]
    assert result.graph.source_of(nodes[1]) == "a = x*x"
    (chain,) = result.chains
    assert chain.path_count == 4
    assert chain.gradient == 4 * 3


def test_the_last_statement_is_the_output_even_when_it_names_an_earlier_node() -> None:
    result = explain("a = x*x; b = a + 1; a", {"x": 3})
    assert result.graph.output == 1
    assert result.output_value == 9
    assert result.gradient["x"] == 6
    (unused,) = result.diagnostics
    assert unused.code == "unused-name"
    assert "b (w3) is computed but never used" in unused.message


def test_newline_separated_program_from_a_string() -> None:
    result = explain("u = sin(x)\nv = u * y\n\nv + u", {"x": 0, "y": 2})
    assert result.gradient == {"x": 3.0, "y": 0.0}


@pytest.mark.parametrize(
    ("text", "at", "code", "fragment", "caret_at"),
    [
        (
            "b = a + 1; a = x; b",
            {"x": 1},
            "used-before-defined",
            "a is used before it is defined",
            4,
        ),
        ("a = x; a = 2*x; a", {"x": 1}, "redefined", "a is defined twice (first on line 1)", 7),
        ("x = 2; x", {"x": 1}, "redefined", "x is an input", 0),
        ("x*x; x", {"x": 1}, "unnamed-statement", "only the last statement", 0),
        ("a = 2; a + 1", {}, "no-variables", "no variables", 7),
    ],
)
def test_program_errors(text: str, at: dict, code: str, fragment: str, caret_at: int) -> None:
    with pytest.raises(AdexplainError) as caught:
        explain(text, at)
    err = caught.value
    assert err.code == code
    assert fragment in err.message
    assert err.span is not None and err.span.start == caret_at


def test_sixty_squarings_count_two_to_the_sixty_paths_exactly() -> None:
    lines = ["a1 = x*x"] + [f"a{i} = a{i - 1}*a{i - 1}" for i in range(2, 61)] + ["a60"]
    # A guard against a hang, not a speed test: enumerating 2^60 paths would never end.
    with time_limit(60):
        result = explain("\n".join(lines), {"x": 1}, max_paths=20, check=True)
    (chain,) = result.chains
    assert chain.path_count == 2**60
    assert len(chain.paths) == 20
    assert chain.unlisted == 2**60 - 20
    assert chain.gradient == 2.0**60
    assert result.checks["x"].path_sum is None
    assert "not every path is listed" in result.checks["x"].note


def test_adjoints_and_tangents_on_the_survey_example() -> None:
    """Baydin et al. 2018, Tables 2 and 3: f = ln(x1) + x1*x2 - sin(x2) at (2, 5).

    Post-order numbers the addition before sin(x2); the survey numbers sin first.
    Written as a program, the statements fix the survey's own numbering.
    """
    survey = "v1 = ln(x1)\nv2 = x1*x2\nv3 = sin(x2)\nv4 = v1 + v2\nv4 - v3"
    result = explain(survey, {"x1": 2, "x2": 5}, notation="v", forward_mode=True)
    ids = [n.id for n in result.graph.nodes]
    assert ids == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    rounded = [round(v, 3) for v in result.values]
    assert rounded == [2, 5, 0.693, 10, -0.959, 10.693, 11.652]  # Table 2, primal trace
    tangents = [round(v, 3) for v in result.tangents["x1"]]
    assert tangents == [1, 0, 0.5, 5, 0, 5.5, 5.5]  # Table 2, tangent trace
    adjoints = [round(v, 3) for v in result.adjoints]
    assert adjoints == [5.5, 1.716, 1, 1, -1, 1, 1]  # Table 3, adjoint trace

    inline = explain("ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}, forward_mode=True)
    assert [round(v, 3) for v in inline.values] == [2, 5, 0.693, 10, 10.693, -0.959, 11.652]
    assert inline.gradient == result.gradient


def test_check_explains_a_kink() -> None:
    result = explain("relu(x)", {"x": 0}, check=True)
    check = result.checks["x"]
    assert not check.agree
    assert check.reverse == check.forward == 0
    assert check.finite_difference == pytest.approx(0.5)
    assert "w2 is not differentiable at this point" in check.note


def test_check_finds_a_step_inside_the_domain() -> None:
    check = explain("log(x)", {"x": 1e-6}, check=True).checks["x"]
    assert check.agree
    assert check.finite_difference == pytest.approx(1e6, rel=1e-6)


# --- Generated programs: every route agrees, and agrees with SymPy -----------------------


@given(
    programs(),
    st.floats(-1.5, 1.5).map(lambda v: round(v, 3)),
    st.floats(-1.5, 1.5).map(lambda v: round(v, 3)),
)
def test_paths_reverse_forward_and_sympy_agree_on_generated_programs(
    program: tuple[str, sympy.Expr], x: float, y: float
) -> None:
    text, symbolic = program
    used = [n for n in NAMES if n in _words(text)]
    try:
        result = explain(
            text,
            {n: v for n, v in (("x", x), ("y", y)) if n in used},
            max_paths=10_000,
            forward_mode=True,
            check=True,
        )
    except AdexplainError as err:
        assert err.code == "unused-input", err.message
        assume(False)
        return
    assume(all(math.isfinite(v) and abs(v) < 1e6 for v in result.values + result.adjoints))
    scale = max(1.0, *map(abs, result.values), *map(abs, result.adjoints))
    point = {SYMBOLS[n]: v for n, v in (("x", x), ("y", y))}
    for chain in result.chains:
        tangent = result.tangents[chain.variable][result.graph.output]
        truth = float(sympy.diff(symbolic, SYMBOLS[chain.variable]).subs(point))
        assert math.isclose(chain.gradient, truth, rel_tol=1e-9, abs_tol=1e-9 * scale)
        assert math.isclose(tangent, chain.gradient, rel_tol=1e-9, abs_tol=1e-9 * scale)
        if not chain.unlisted:
            path_sum = math.fsum(p.product for p in chain.paths)
            assert math.isclose(path_sum, chain.gradient, rel_tol=1e-9, abs_tol=1e-9 * scale)
        assert result.checks[chain.variable].agree, result.checks[chain.variable].note


def _words(text: str) -> set[str]:
    import re

    return set(re.findall(r"[^\W\d]\w*", text))


# --- Exact mode ----------------------------------------------------------------------------

X, Y = sympy.symbols("x y", real=True)


@pytest.mark.parametrize(
    ("text", "symbolic"),
    [
        ("(x + y) / (x - y)", (X + Y) / (X - Y)),
        ("x^3 - 2*x*y + y^-2", X**3 - 2 * X * Y + Y**-2),
        ("a = x*y; b = a/(x + 1); b*b - a", (X * Y / (X + 1)) ** 2 - X * Y),
        ("max(x, y) * abs(x - y) + relu(y)", sympy.Max(X, Y) * sympy.Abs(X - Y) + sympy.Max(0, Y)),
    ],
)
def test_exact_values_and_gradients_are_sympys_rationals(text: str, symbolic: sympy.Expr) -> None:
    at = {"x": "1/3", "y": "-0.25"}
    point = {X: sympy.Rational(1, 3), Y: sympy.Rational(-1, 4)}
    result = explain(text, at, exact=True, forward_mode=True)
    assert not result.diagnostics
    assert result.output_value == sympy.Rational(symbolic.subs(point))
    for name, symbol in (("x", X), ("y", Y)):
        truth = sympy.Rational(sympy.diff(symbolic, symbol).subs(point))
        assert result.gradient[name] == truth
        assert result.tangents[name][result.graph.output] == truth
        assert type(result.gradient[name]).__name__ == "Fraction"


def test_exact_mode_marks_the_node_that_leaves_the_rationals() -> None:
    result = explain("x / 3 + exp(x)", {"x": 1}, exact=True)
    (warning,) = result.diagnostics
    assert warning.code == "inexact"
    assert result.graph.nodes[warning.node].op == "exp"
    assert str(result.values[1]) == "1/3"
    assert isinstance(result.gradient["x"], float)


def test_exact_mode_refuses_to_explode() -> None:
    # Without the size guard these would compute numbers of 2^60 digits: a hang, not a slowdown.
    with time_limit(60):
        result = explain("x^1000000 + x", {"x": "3/2"}, exact=True)
        lines = ["a1 = x*x"] + [f"a{i} = a{i - 1}*a{i - 1}" for i in range(2, 61)] + ["a60 + x"]
        squarings = explain("\n".join(lines), {"x": "3/2"}, exact=True)
    assert [d.code for d in result.diagnostics] == ["exact-too-large", "overflow"]
    assert any(d.code == "exact-too-large" for d in squarings.diagnostics)


def test_exact_zero_times_a_float_stays_exact() -> None:
    result = explain("x * y + 0 * exp(x)", {"x": "1/3", "y": 2}, exact=True)
    assert str(result.gradient["y"]) == "1/3"


def test_a_path_count_too_long_to_write_in_decimal_is_given_by_its_size() -> None:
    """4 000 squarings: 2^4000 paths, 1 205 digits; 20 000 would pass Python's 4 300-digit
    limit for writing integers, and JSON then gives the size instead of crashing."""
    lines = ["a1 = x*x"] + [f"a{i} = a{i - 1}*a{i - 1}" for i in range(2, 20_001)] + ["a20000"]
    result = run("-", "--at", "x=1", "--format", "json", "--max-paths", "1", input="\n".join(lines))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["wrt"]["x"]["path_count"].startswith("about 3.98e6020 (a 6021-digit number)")


def test_path_counts_past_64_bits_stay_exact_along_a_long_shared_chain() -> None:
    """a_i = a_(i-1) + a_(i-2): counts grow like Fibonacci numbers, far past 2^64, and the
    counts no later statement reads are let go along the way; the total stays exact."""
    lines = ["a0 = x + x", "a1 = a0 + x"]
    expected = [2, 3]
    for i in range(2, 400):
        lines.append(f"a{i} = a{i - 1} + a{i - 2}")
        expected.append(expected[-1] + expected[-2])
    result = explain("\n".join(lines), at={"x": 1})
    (chain,) = result.chains
    assert chain.path_count == expected[-1] > 2**270
    assert chain.gradient == pytest.approx(expected[-1], rel=1e-12)  # every product is 1
