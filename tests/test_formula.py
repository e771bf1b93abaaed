"""Formula trees and their printers: what is printed reads back as the same formula.

The text printer's parentheses come from precedence alone, so the test is whether the
tool's own grammar, reading a printed formula, computes what the tree computes — over
generated trees of every operation in the table, and numbers of every precedence.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.formula import (
    ATOM,
    Apply,
    Arg,
    Formula,
    Num,
    a,
    apply,
    b,
    cases,
    factor,
    precedence,
    tex,
    text,
)
from autodiff_cli.ops import OPS

NUMBERS = st.sampled_from([2, 3, -1, -2, Fraction(3, 2), Fraction(-1, 3), 0.5, 1.5])
SMOOTH = sorted(name for name, op in OPS.items() if op.arity == 1 and op.undefined([0.3]) is None)


def trees() -> st.SearchStrategy[Formula]:
    leaves = st.one_of(st.just(a), st.just(b), NUMBERS.map(Num))

    def extend(children: st.SearchStrategy[Formula]) -> st.SearchStrategy[Formula]:
        binary = st.sampled_from(["add", "sub", "mul", "div", "pow"])
        return st.one_of(
            st.tuples(binary, children, children).map(lambda t: Apply(t[0], (t[1], t[2]))),
            children.map(lambda c: Apply("neg", (c,))),
            st.tuples(st.sampled_from(SMOOTH), children).map(lambda t: apply(t[0], t[1])),
        )

    return st.recursive(leaves, extend, max_leaves=6)


def evaluate(formula: Formula, x: float, y: float) -> float:
    """The tree's value computed directly from the op table, not through any printer."""
    if isinstance(formula, Arg):
        return (x, y)[formula.position]
    if isinstance(formula, Num):
        return float(formula.value)
    assert isinstance(formula, Apply)
    args = [evaluate(arg, x, y) for arg in formula.args]
    op = OPS[formula.op]
    if op.undefined(args) is not None:
        raise ArithmeticError
    return float(op.evaluate(args))


@given(trees(), st.floats(0.2, 2.0), st.floats(0.2, 2.0))
@example(a / Num(Fraction(-1, 3)), 1.0, 1.0)  # p/-1/3 would read as (p/-1)/3
@example(Num(Fraction(-1, 3)) ** a, 0.5, 1.0)
def test_a_printed_formula_reads_back_as_the_same_formula(
    formula: Formula, x: float, y: float
) -> None:
    try:
        expected = evaluate(formula, x, y)
    except (ArithmeticError, ValueError, OverflowError):
        assume(False)
    assume(math.isfinite(expected) and abs(expected) < 1e12)
    for layout in ("partial", "node"):
        written = text(formula, ["p", "q"], layout)  # type: ignore[arg-type]
        result = explain(f"({written}) + 0*p + 0*q", at={"p": x, "q": y})
        assert result.output_value == pytest.approx(expected, rel=1e-9, abs=1e-12), written


def test_the_table_s_formulas_print_as_a_formula_sheet_does() -> None:
    assert text(1 / (2 * apply("sqrt", a)), ["w1"]) == "1/(2*sqrt(w1))"
    assert text(-a / b**2, ["w1", "w2"]) == "-w1/w2^2"
    assert text(a - b, ["w1", "w2"], "node") == "w1 - w2"
    assert text(a / b, ["w1", "w2"], "node") == "w1 / w2"
    assert text(b * a ** Num(Fraction(3, 2)), ["w1", "2.5"]) == "2.5 * w1^(3/2)"
    assert text(b * a ** Num(-2), ["w1", "(-1)"]) == "(-1) * w1^(-2)"
    assert text(a ** (b**2), ["w1", "w2"]) == "w1^w2^2"
    assert text((a**b) ** 2, ["w1", "w2"]) == "(w1^w2)^2"
    assert text(a - (b - 1), ["w1", "w2"]) == "w1 - (w2 - 1)"
    assert text(cases((1, a > 0), (0, a < 0)), ["w6"]) == "(1 if w6 > 0, 0 if w6 < 0)"


def test_a_factor_is_bracketed_by_how_tightly_it_binds() -> None:
    assert precedence(apply("cos", a)) == ATOM
    assert factor("cos(w1)", precedence(apply("cos", a))) == "cos(w1)"
    assert factor("-1", precedence(Num(-1))) == "(-1)"
    assert factor("1/w2", precedence(1 / b)) == "(1/w2)"
    assert factor("w1^2", precedence(a**2)) == "(w1^2)"


def test_tex_is_typeset_from_the_same_tree() -> None:
    assert tex(1 / (2 * apply("sqrt", a)), ["w_{1}"]) == r"\frac{1}{2 \cdot \sqrt{w_{1}}}"
    assert tex(apply("sigmoid", a) * (1 - apply("sigmoid", a)), ["x"]) == (
        r"\sigma\left(x\right) \cdot \left(1 - \sigma\left(x\right)\right)"
    )
    assert tex(a ** Num(Fraction(3, 2)), ["x"]) == r"x^{\frac{3}{2}}"
    assert tex((a + b) ** 2, ["x", "y"]) == r"\left(x + y\right)^{2}"
    assert tex(cases((1, a > 0), (0, a < 0)), ["w_{6}"]) == (
        r"\begin{cases} 1 & \text{if } w_{6} > 0 \\ 0 & \text{if } w_{6} < 0 \end{cases}"
    )


def test_every_op_has_a_tex_form_that_names_its_operands() -> None:
    """Over the registry: a new op gets TeX with no other list edited."""
    for op in OPS.values():
        operands = ["X", "Y"][: op.arity]
        typeset = tex(op.tree, operands, "node")
        assert all(operand in typeset for operand in operands), op.name
        for partial in op.partials:
            from autodiff_cli.ops import Operand

            tree = partial.tree([Operand("X"), Operand("Y", 3)][: op.arity])
            tex(tree, operands)  # must not fail for any op's partial
