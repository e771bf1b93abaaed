"""Every operation in the table, checked on its own.

- each partial against a central finite difference, at points Hypothesis picks;
- each printed formula against the numeric partial beside it (the formula is
  parsed and evaluated by the tool's own grammar), so the two cannot disagree;
- kinks and domains behave as declared.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.arithmetic import EXACT, FLOAT
from autodiff_cli.formula import call
from autodiff_cli.graph import fold_constant
from autodiff_cli.numbers import Value, format_number
from autodiff_cli.ops import FUNCTIONS, OPS, Op, Operand, Partial
from autodiff_cli.parser import parse_expression

ARGUMENT = st.floats(min_value=-4, max_value=4, allow_nan=False).map(lambda x: round(x, 3))


def args_for(op: Op) -> st.SearchStrategy[list[float]]:
    return st.lists(ARGUMENT, min_size=op.arity, max_size=op.arity)


def central_difference(
    op: Op, args: list[float], position: int, h: float
) -> tuple[float, float, float]:
    """(central, left, right) differences of op in argument ``position``."""

    def at(offset: float) -> float:
        moved = list(args)
        moved[position] += offset
        return op.evaluate(moved)

    centre = op.evaluate(args)
    return (at(h) - at(-h)) / (2 * h), (centre - at(-h)) / h, (at(h) - centre) / h


def inside_domain(op: Op, args: list[float], h: float) -> bool:
    for offset in (-h, 0.0, h):
        for position in range(op.arity):
            moved = list(args)
            moved[position] += offset
            if op.undefined(moved) is not None:
                return False
    return True


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_partials_match_finite_differences(op: Op) -> None:
    @given(args_for(op))
    def check(args: list[float]) -> None:
        h = 1e-6
        assume(inside_domain(op, args, 2 * h))
        assume(all(partial.kink(args) is None for partial in op.partials))
        value = op.evaluate(args)
        assume(math.isfinite(value) and abs(value) < 1e6)
        for position, partial in enumerate(op.partials):
            numeric, left, right = central_difference(op, args, position, h)
            # A kink between a - h and a + h shows as one-sided slopes that disagree.
            assume(math.isclose(left, right, rel_tol=1e-3, abs_tol=1e-3))
            exact = partial.compute(args, value)
            assert math.isclose(exact, numeric, rel_tol=1e-5, abs_tol=1e-5), (
                f"{op.name} partial {position} at {args}: {exact} vs {numeric}"
            )

    check()


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_printed_formula_computes_the_numeric_partial(op: Op) -> None:
    """Substitute the arguments into the formula text, evaluate it, compare with the number."""

    @given(args_for(op), st.booleans())
    def check(args: list[float], constant_exponent: bool) -> None:
        assume(op.undefined(args) is None)
        assume(all(partial.kink(args) is None for partial in op.partials))
        # 0^b * log(0) is 0 for b > 0 (0^b is 0 for every such b), but the formula
        # cannot be evaluated literally at a = 0; the finite differences cover it.
        assume(not (op.name == "pow" and args[0] == 0))
        value = op.evaluate(args)
        assume(math.isfinite(value) and abs(value) < 1e6)
        operands = [Operand(f"({arg!r})", arg if constant_exponent else None) for arg in args]
        for partial in op.partials:
            text = partial.text(operands)
            if " if " in text:
                continue  # piecewise formulas are prose; the finite differences check them
            expected = partial.compute(args, value)
            assume(math.isfinite(expected))
            printed = fold_constant(parse_expression(text), text)
            assert math.isclose(printed, expected, rel_tol=1e-9, abs_tol=1e-12), (
                f"{op.name}: formula {text!r} gives {printed}, the partial gives {expected}"
            )

    check()


def test_every_op_has_one_partial_per_argument_and_a_display() -> None:
    for op in OPS.values():
        assert len(op.partials) == op.arity, op.name
        names = [Operand(f"a{i}") for i in range(op.arity)]
        shown = op.formula(names)
        assert all(name.text in shown for name in names), (op.name, shown)


def test_every_function_in_the_spec_is_callable() -> None:
    spec = {"exp", "log", "ln", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs"}
    spec |= {"max", "min", "pow"}
    assert spec <= set(FUNCTIONS)


@pytest.mark.parametrize(
    ("name", "args", "partials"),
    [
        ("relu", [0.0], [0.0]),
        ("abs", [0.0], [0.0]),
        ("max", [2.0, 2.0], [0.5, 0.5]),
        ("min", [2.0, 2.0], [0.5, 0.5]),
        ("sqrt", [0.0], [math.inf]),
    ],
)
def test_kinks_are_reported_and_use_pytorchs_value(
    name: str, args: list[float], partials: list[float]
) -> None:
    op = OPS[name]
    reasons = [partial.kink(args) for partial in op.partials]
    assert all(reason is not None and "PyTorch" in reason for reason in reasons)
    value = op.evaluate(args)
    assert [p.compute(args, value) for p in op.partials] == partials


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("log", [0.0]),
        ("log", [-1.0]),
        ("sqrt", [-4.0]),
        ("div", [1.0, 0.0]),
        ("pow", [-8.0, 1 / 3]),
        ("pow", [0.0, -1.0]),
        ("asin", [2.0]),
        ("acos", [-1.5]),
    ],
)
def test_domains(name: str, args: list[float]) -> None:
    assert OPS[name].undefined(args) is not None


def test_overflow_gives_infinity() -> None:
    assert OPS["exp"].evaluate([1000.0]) == math.inf
    assert OPS["pow"].evaluate([-10.0, 1001.0]) == -math.inf
    assert OPS["sinh"].evaluate([-1000.0]) == -math.inf


@pytest.mark.parametrize(
    ("exponent", "formula"),
    [
        (0, "0"),
        (1, "1"),
        (2, "2 * w1"),
        (3, "3 * w1^2"),
        (-1, "(-1) * w1^(-2)"),
        (0.5, "0.5 * w1^(-0.5)"),
    ],
)
def test_power_formula_simplifies_constant_exponents(exponent: float, formula: str) -> None:
    text = "(-1)" if exponent == -1 else str(exponent)
    base_partial = OPS["pow"].partials[0]
    assert base_partial.text([Operand("w1"), Operand(text, float(exponent))]) == formula


def test_a_negative_base_with_a_constant_exponent_is_smooth() -> None:
    """(y - w*x)^2 at a negative residual: only the exponent's partial is undefined there,
    and a constant exponent has no edge, so nothing may be flagged."""
    base_partial, exponent_partial = OPS["pow"].partials
    assert base_partial.kink([-3.0, 2.0]) is None
    assert exponent_partial.kink([-3.0, 2.0]) is not None


def test_exactness_follows_what_each_op_declares() -> None:
    """Over the whole table: an op or partial declared rational at exact arguments gives an
    exact value (its formula returns no stray float), and one not so declared a float."""
    import itertools
    from fractions import Fraction

    points = [Fraction(1, 3), Fraction(2), Fraction(0), Fraction(1), Fraction(-1, 2)]
    for op, first, second in itertools.product(OPS.values(), points, points):
        args: list[Value] = [first, second][: op.arity]
        if op.undefined(args) is not None or any(p.kink(args) for p in op.partials):
            continue
        value, why = EXACT.apply(op, args)
        if op.rational(args):
            assert isinstance(value, Fraction) and why == "", op.name
        else:
            assert isinstance(value, float) and why == "inexact", op.name
        for partial in op.partials:
            number = EXACT.partial(partial, args, value)
            assert isinstance(number, Fraction) == bool(partial.rational(args)), op.name
            assert isinstance(FLOAT.partial(partial, args, value), float), op.name


# IEEE 754 where Python raises, and exact values past a float's range (2^1100, 1/10^600).

HUGE, TINY = Fraction(2) ** 1100, Fraction(1, 10**600)


def test_division_by_zero_follows_ieee_754() -> None:
    div = OPS["div"]
    assert div.evaluate([1.0, 0.0]) == math.inf
    assert div.evaluate([1.0, -0.0]) == -math.inf
    assert math.isnan(div.evaluate([0.0, 0.0]))
    assert div.evaluate([Fraction(1), TINY]) == 10**600  # exact stays exact
    # A float over an exact intermediate too small for a float: -z / x^2 at x = 10^-300.
    (partial,) = [
        p
        for p in explain("z/x", at={"x": "10^-300", "z": 5e-324}, exact=True).edges
        if p.position == 1
    ]
    assert partial.value == -math.inf
    # And a float over an exact intermediate too large for one: -e / 10^600 is -0.0.
    edges = explain("exp(z)/x", at={"x": "10^300", "z": 1}, exact=True).edges
    assert [edge.value for edge in edges if edge.position == 1] == [0]


def test_math_domain_errors_at_infinite_arguments_are_nan() -> None:
    assert math.isnan(OPS["sin"].evaluate([math.inf]))
    assert math.isnan(OPS["sin"].partials[0].evaluate([math.inf], math.nan))
    assert OPS["exp"].evaluate([math.inf]) == math.inf
    assert OPS["exp"].evaluate([-math.inf]) == 0


def test_a_math_domain_error_at_a_finite_argument_is_a_bug_and_is_raised() -> None:
    """A domain the table forgot would otherwise pass silently as nan."""
    forgot = Op("forgot", 1, math.sqrt, (Partial(0, lambda args, value: math.sqrt(-1)),), call("f"))
    with pytest.raises(ValueError):
        forgot.evaluate([-1.0])
    with pytest.raises(ValueError):
        forgot.partials[0].evaluate([1.0], 1.0)


def test_exact_values_past_a_float_s_range_become_floats() -> None:
    """So every exact value turns into a float without overflow wherever it meets one."""
    assert EXACT.settle(HUGE) == math.inf
    assert EXACT.settle(TINY) == 0
    assert EXACT.settle(Fraction(2) ** 1000) == Fraction(2) ** 1000
    assert EXACT.multiply(Fraction(2) ** 1000, Fraction(2) ** 100) == math.inf
    assert EXACT.add(Fraction(1), Fraction(1, 3)) == Fraction(4, 3)
    assert format_number(Fraction(999999999 * 10**391)) == "≈1e400"
    assert format_number(-HUGE) == "≈-1.3583e331"
    assert format_number(Fraction(5, 10**324)) == "≈5e-324"


def test_a_fractional_exponent_is_bracketed_in_an_exact_formula() -> None:
    """In exact mode 2.5 - 1 is 3/2, and w1^3/2 would read as (w1^3)/2."""
    result = explain("x^2.5", at={"x": 4}, exact=True)
    (edge,) = result.edges
    assert edge.formula == "2.5 * w1^(3/2)"
    reread = fold_constant(parse_expression(edge.formula.replace("w1", "4")), edge.formula)
    assert reread == pytest.approx(float(edge.value)) == 20


def test_no_pass_takes_an_exact_flag() -> None:
    """Exactness is the arithmetic object's: a pass that grows an ``exact`` parameter again
    would be the flag threaded through everything that this design removed."""
    import inspect

    from autodiff_cli import passes

    functions = [f for _, f in inspect.getmembers(passes, inspect.isfunction)]
    assert functions
    for function in functions:
        assert "exact" not in inspect.signature(function).parameters, function.__name__


def test_a_statement_the_output_never_uses_passes_no_adjoint_on() -> None:
    """t = sqrt(z) is unused: its adjoint 0 times sqrt's infinite slope at 0 must not make
    the gradient by z nan (every path says 2)."""
    result = explain("t = sqrt(z); z*x", at={"z": 0, "x": 2})
    assert result.gradient["z"] == 2
    assert result.adjoints[result.graph.input_count] == 0  # t itself


TAILS = (-30.0, -19.0, -3.0, -0.5, 1e-5, 0.3, 2.0, 19.0, 30.0)


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_partial_keeps_its_digits_in_the_tails(name: str) -> None:
    """Against SymPy's derivative of the op's own definition, at 30 digits: 1e-9 relative,
    where 1 - tanh² or s(1 - s) would cancel to nothing (tanh' at 20 came out as 0)."""
    import itertools

    import sympy

    op = OPS[name]
    symbols = sympy.symbols("p q", real=True)[: op.arity]
    names = {str(symbol): symbol for symbol in symbols}
    definition = sympy.sympify(op.sympy.format(*names), locals=names)
    checked = 0
    for args in itertools.product(TAILS, repeat=op.arity):
        if op.undefined(list(args)) is not None:
            continue
        value = op.evaluate(list(args))
        if not math.isfinite(value):
            continue
        at = dict(zip(symbols, [sympy.Float(x, 40) for x in args], strict=True))
        for position, partial in enumerate(op.partials):
            if partial.kink(list(args)) is not None:
                continue
            truth = float(sympy.diff(definition, symbols[position]).evalf(30, subs=at))
            if not math.isfinite(truth) or 0 < abs(truth) < 1e-300:
                continue
            assert FLOAT.partial(partial, list(args), value) == pytest.approx(
                truth, rel=1e-9, abs=1e-300
            ), (name, args, position)
            checked += 1
    assert checked


def test_an_exact_zero_through_sin_keeps_a_tie_exact() -> None:
    """sin of an exact 0 is exactly 0: max(x, 10*x*x + sin(0*x)) is a tie at x = 1/10,
    as max(x, 10*x*x) is, and every value stays exact."""
    result = explain("max(x, 10*x*x + sin(0*x))", at={"x": "1/10"}, exact=True)
    assert [d.code for d in result.diagnostics] == ["nondifferentiable"]
    assert all(isinstance(value, Fraction) for value in result.values)


@pytest.mark.parametrize(
    ("expression", "at", "node"),
    [
        ("2^-1100*x", {"x": 3}, "w2"),  # a constant folded below a float's range
        ("x*y", {"x": 1e-200, "y": 1e-200}, "w3"),  # a product that underflows
        ("x/y", {"x": 1e-200, "y": 1e200}, "w3"),
    ],
)
def test_a_value_below_a_float_s_range_is_warned_as_an_overflow_is(
    expression: str, at: dict[str, float], node: str
) -> None:
    result = explain(expression, at=at)
    warned = [d for d in result.diagnostics if d.code == "underflow"]
    assert [result.graph.id(d.node) for d in warned] == [node]


def test_a_true_zero_is_no_underflow() -> None:
    for expression in ("x - x + y", "0*x + y", "(x - 1)*y"):
        result = explain(expression, at={"x": 1, "y": 2})
        assert not [d for d in result.diagnostics if d.code == "underflow"], expression


def test_an_exact_zero_times_a_float_is_an_exact_zero_in_a_node_too() -> None:
    """(x - x) * sin(x) is exactly 0, as the adjoint sweep's own products are."""
    result = explain("(x - x)*sin(x) + x", at={"x": "1/3"}, exact=True)
    assert result.output_value == Fraction(1, 3)
    assert isinstance(result.output_value, Fraction)


# SymPy's derivatives of Max, Min and Abs are Heaviside and sign, slow to evaluate exactly;
# their partials are constants of the table (0, 1/2, 1), checked by the kink tests.
SMOOTH_DEFINITIONS = sorted(
    name for name, op in OPS.items() if not any(f in op.sympy for f in ("Max", "Min", "Abs"))
)


@pytest.mark.parametrize("name", SMOOTH_DEFINITIONS)
def test_every_rational_declaration_is_true(name: str) -> None:
    """Where an op or a partial is declared rational, its exact value is SymPy's exact value
    of the op's own definition there: a wrong declaration would print a false fraction."""
    import itertools

    import sympy

    op = OPS[name]
    symbols = sympy.symbols("p q", real=True)[: op.arity]
    names = {str(symbol): symbol for symbol in symbols}
    definition = sympy.sympify(op.sympy.format(*names), locals=names)
    points = [Fraction(0), Fraction(1), Fraction(1, 3), Fraction(-2), Fraction(5, 2)]
    for args in itertools.product(points, repeat=op.arity):
        if op.undefined(list(args)) is not None or any(p.kink(list(args)) for p in op.partials):
            continue
        at = {
            s: sympy.Rational(a.numerator, a.denominator)
            for s, a in zip(symbols, args, strict=True)
        }
        value, _ = EXACT.apply(op, list(args))
        if isinstance(value, Fraction):
            assert _same(definition.subs(at), value), (name, args)
        for position, partial in enumerate(op.partials):
            number = EXACT.partial(partial, list(args), value)
            if isinstance(number, Fraction):
                derivative = sympy.diff(definition, symbols[position])
                truth = sympy.simplify(
                    sympy.limit(derivative, symbols[position], at[symbols[position]])
                    if op.arity == 1
                    else derivative.subs(at)
                )
                if not truth.is_finite:
                    continue  # SymPy's form is 0/0 here (q*p^q/p at p = 0)
                assert truth == sympy.Rational(number.numerator, number.denominator), (
                    name,
                    args,
                    position,
                )


def _same(truth: object, value: Fraction) -> bool:
    """SymPy's value equals the fraction to 40 digits (no slow symbolic simplification)."""
    import sympy

    difference = sympy.N(truth - sympy.Rational(value.numerator, value.denominator), 50)
    return bool(abs(difference) < sympy.Float(10) ** -40)


KINK_POINTS = [[0.0], [2.0, 2.0], [-1.0, -1.0], [0.0, 0.0]]
"""Where the table's kinks are: relu and abs at 0, ties of max and min."""


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_a_declared_subdifferential_runs_from_the_left_slope_to_the_right_one(op: Op) -> None:
    """A grader accepts any slope between the one-sided derivatives at a kink (convex and
    concave pieces only); the convention the tool uses must lie inside. Checked by one-sided
    finite differences, for every op and every partial that declares one."""
    h = 1e-6
    for args in KINK_POINTS:
        if len(args) != op.arity:
            continue
        for position, partial in enumerate(op.partials):
            interval = partial.subdifferential(args)
            if interval is None:
                continue
            assert partial.kink(args) is not None, (op.name, args)
            _, left, right = central_difference(op, args, position, h)
            low, high = sorted((left, right))
            assert interval[0] == pytest.approx(low, abs=1e-6), (op.name, args)
            assert interval[1] == pytest.approx(high, abs=1e-6), (op.name, args)
            convention = partial.compute(args, op.evaluate(args))
            assert interval[0] <= convention <= interval[1]


def test_the_kinks_with_a_subdifferential_are_the_convex_and_concave_ones() -> None:
    declared = {
        op.name
        for op in OPS.values()
        for args in KINK_POINTS
        if len(args) == op.arity
        for partial in op.partials
        if partial.subdifferential(args) is not None
    }
    assert declared == {"relu", "abs", "max", "min"}
