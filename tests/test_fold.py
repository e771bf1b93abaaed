"""Constant folding on its own: numbers, named constants, operations on constants, and the
evaluator of constant expressions."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autodiff_cli import AdexplainError
from autodiff_cli.arithmetic import EXACT, arithmetic
from autodiff_cli.errors import Span
from autodiff_cli.fold import Constant, Folder, all_constant, fold_constant
from autodiff_cli.formula import POWER, PRODUCT
from autodiff_cli.ops import OPS
from autodiff_cli.parser import parse_expression
from autodiff_cli.syntax import Name, Number, Operator


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (Fraction(1, 3), Fraction(1, 3)),
        (7, Fraction(7)),
        (math.sqrt(2), None),  # irrational: a float
        (Fraction(1, 10**400), None),  # under a float's range: a float (0)
        (Fraction(2) ** 5000, None),  # too many bits to keep exactly
    ],
)
def test_with_exact_a_constant_is_a_fraction_while_exact_mode_keeps_it(
    value: Fraction | float, kept: Fraction | None
) -> None:
    settled = EXACT.settle(value)
    assert settled == kept if kept is not None else isinstance(settled, float)


def test_an_exact_power_too_large_to_compute_gives_way_to_a_float() -> None:
    value, why = EXACT.apply(OPS["pow"], [Fraction(1, 3), Fraction(10**6)])
    assert isinstance(value, float) and why == "exact-too-large"


def _number(text: str) -> Number:
    return Number(float(text), text, Span(0, len(text)))


@pytest.mark.parametrize(
    ("text", "exact", "value"),
    [
        ("0.1", False, 0.1),
        ("0.1", True, Fraction(1, 10)),  # as written, not the float nearest 0.1
        ("1e-400", True, 0.0),
        ("2.5e3", True, Fraction(2500)),
    ],
)
def test_a_number_is_read_as_written(text: str, exact: bool, value: float | Fraction) -> None:
    constant = Folder(text, arithmetic(exact)).number(_number(text))
    assert constant == Constant(value, text, underflowed=text == "1e-400")
    assert type(constant.value) is type(value)


@pytest.mark.parametrize(
    ("text", "exact", "code"),
    [("9" * 400, False, "number-too-large"), ("0." + "1" * 5000, True, "number-too-long")],
)
def test_a_number_past_what_can_be_kept_is_an_error(text: str, exact: bool, code: str) -> None:
    with pytest.raises(AdexplainError) as caught:
        Folder(text, arithmetic(exact)).number(_number(text))
    assert caught.value.code == code
    assert "…" in caught.value.message  # the number is clipped, not printed whole


def test_pi_and_e_are_the_only_named_constants() -> None:
    folder = Folder("pi")
    assert folder.named(Name("pi", Span(0, 2))) == Constant(math.pi, "pi")
    assert folder.named(Name("e", Span(0, 1))) == Constant(math.e, "e")
    assert folder.named(Name("x", Span(0, 1))) is None


def _folded(text: str, exact: bool = False) -> Constant:
    """Fold the root of ``text``, whose arguments are numbers."""
    tree = parse_expression(text)
    assert isinstance(tree, Operator)
    folder = Folder(text, arithmetic(exact))
    args = [folder.number(arg) for arg in tree.args if isinstance(arg, Number)]
    return folder.apply(OPS[tree.op], tree, args)


def test_an_operation_on_constants_is_a_constant_written_as_the_text_was() -> None:
    assert _folded("1 /  3") == Constant(1 / 3, "1 / 3", binds=PRODUCT)
    assert _folded("1 /  3", exact=True) == Constant(Fraction(1, 3), "1 / 3", binds=PRODUCT)
    assert _folded("2 ^ 0.5", exact=True).value == math.sqrt(2)  # irrational: a float


def test_a_constant_outside_the_domain_is_an_error_at_fold_time() -> None:
    with pytest.raises(AdexplainError) as caught:
        _folded("1/0")
    assert caught.value.code == "domain"
    assert caught.value.message == "1/0 is undefined: division by zero"
    assert caught.value.span == Span(0, 3)


def test_an_overflow_is_flagged_and_the_flag_carries_to_what_uses_it() -> None:
    text = "10 ^ 400"
    overflowed = _folded(text)
    assert overflowed == Constant(math.inf, text, overflowed=True, binds=POWER)
    tree = parse_expression("-(10 ^ 400)")
    assert isinstance(tree, Operator)
    negated = Folder(text).apply(OPS["neg"], tree, [overflowed])
    assert negated.value == -math.inf and negated.overflowed


def test_an_operation_folds_only_when_every_argument_is_a_constant() -> None:
    two = Constant(2.0, "2")
    assert all_constant((two, two))
    assert not all_constant((two, 0))


@pytest.mark.parametrize(
    ("text", "exact", "value"),
    [
        ("pi/2", False, math.pi / 2),
        ("-e^2", False, -(math.e**2)),
        ("1/3", True, Fraction(1, 3)),
        ("max(1/3, 1/4)", True, Fraction(1, 3)),
        ("exp(1000)", False, math.inf),
    ],
)
def test_fold_constant_evaluates_a_constant_expression(
    text: str, exact: bool, value: float | Fraction
) -> None:
    assert fold_constant(parse_expression(text), text, arithmetic=arithmetic(exact)) == value


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("y + 1", "unknown-name", "a value must be a constant such as 2, -1/3 or pi/2; 'y' is not"),
        ("sine(1)", "unknown-function", "unknown function 'sine' (did you mean 'sin'?)"),
        ("log(-1)", "domain", "log(-1) is undefined: log is defined only for arguments > 0"),
    ],
)
def test_fold_constant_says_what_is_not_a_constant(text: str, code: str, message: str) -> None:
    with pytest.raises(AdexplainError) as caught:
        fold_constant(parse_expression(text), text)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_fold_constant_of_deeply_nested_calls_does_not_recurse() -> None:
    # Ten times Python's recursion limit. NOTE: not 100 000 as elsewhere: each nested
    # constant keeps its source text, so folding a chain costs the square of its depth.
    text = "sin(" * 10_000 + "0" + ")" * 10_000
    assert fold_constant(parse_expression(text), text) == 0.0


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("x * (1+2)", "(1+2)"),  # a group is an atom as written
        ("x + pi/2", "(pi/2)"),  # a quotient is not
        ("x * (1)+2", "w2 + 2"),  # starts with a parenthesis but is no group: not one constant
        ("x * ((1)+2)", "((1)+2)"),
        ("x * -2", "(-2)"),
        ("x * sin(1)", "sin(1)"),
        ("x * 2^3", "(2^3)"),
    ],
)
def test_a_constant_is_bracketed_in_formulas_by_how_tightly_it_binds(
    text: str, written: str
) -> None:
    from autodiff_cli import explain

    result = explain(text, at={"x": 1})
    node = result.graph.nodes[result.graph.output]
    assert node.formula.endswith(written)
