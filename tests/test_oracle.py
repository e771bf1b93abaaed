"""SymPy as an independent oracle: Hypothesis writes expressions, both sides evaluate them.

The generator (tests/strategies.py) draws every op from the table of operations and
builds each expression twice, as adexplain text and as a SymPy object made from each
op's own SymPy definition (never by parsing our text), so SymPy differentiates what
the table says an op is, not the table's partials. Values and gradients must agree
to 1e-9. Points that adexplain refuses (outside a domain) are skipped here and
tested on their own.
"""

from __future__ import annotations

import math
import re

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain
from autodiff_cli.ops import FUNCTIONS, OPERATORS, OPS, Op
from autodiff_cli.render import RENDERERS, RenderOptions, renderer

from .strategies import CALLS, NAMES, SYMBOLS, WRITTEN, Tree, expressions, to_sympy, to_text

coordinates = st.floats(min_value=-3, max_value=3, allow_nan=False).map(lambda v: round(v, 4))
points = st.fixed_dictionaries({name: coordinates for name in NAMES})


def variables_in(text: str) -> list[str]:
    """The variables the text mentions (SymPy may simplify some away: max(x, min(x, y)) is x)."""
    words = set(re.findall(r"[^\W\d]\w*", text))
    return [name for name in NAMES if name in words]


def close(ours: float, truth: float, scale: float) -> bool:
    # Relative to the largest number the computation handled: a difference of
    # two large terms can only be as exact as those terms.
    return math.isclose(ours, truth, rel_tol=1e-9, abs_tol=1e-9 * scale)


def real_value(expr: sympy.Expr) -> float | None:
    value = complex(sympy.N(expr, 30))
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)) or not math.isfinite(value.real):
        return None
    return value.real


@given(expressions, points)
def test_values_and_gradients_agree_with_sympy(tree: Tree, point: dict[str, float]) -> None:
    text = to_text(tree)
    used = variables_in(text)
    assume(used)
    at = {name: point[name] for name in used}
    substitution = {SYMBOLS[name]: sympy.Float(value, 30) for name, value in at.items()}
    try:
        result = explain(text, at)
    except AdexplainError as err:
        assert err.code == "domain", err.message
        assume(False)
        return
    assume(not result.diagnostics)  # kinks and overflow have their own tests
    assume(all(math.isfinite(v) and abs(v) < 1e8 for v in result.values + result.adjoints))
    try:
        symbolic = to_sympy(tree)
    except (ValueError, TypeError):
        assume(False)  # SymPy refuses to build it; adexplain's own tests cover such points
    scale = max(1.0, *(abs(v) for v in result.values), *(abs(a) for a in result.adjoints))

    truth = real_value(symbolic.subs(substitution))
    assert truth is not None, f"{text} at {at}: we computed {result.output_value}"
    assert close(result.output_value, truth, scale), (text, at, result.output_value, truth)
    for name in used:
        derivative = real_value(sympy.diff(symbolic, SYMBOLS[name]).subs(substitution))
        if derivative is None:
            continue  # e.g. sympy's Heaviside(0) at an exact tie that we did not flag
        assert close(result.gradient[name], derivative, scale), (
            text,
            at,
            name,
            result.gradient[name],
            derivative,
        )


@given(expressions, points)
def test_path_sums_equal_reverse_accumulation(tree: Tree, point: dict[str, float]) -> None:
    text = to_text(tree)
    used = variables_in(text)
    assume(used)
    try:
        result = explain(text, {name: point[name] for name in used}, max_paths=1000)
    except AdexplainError as err:
        assert err.code == "domain", err.message
        assume(False)
        return
    assume(all(math.isfinite(a) for a in result.adjoints))
    for chain in result.chains:
        assert chain.unlisted == 0
        assert chain.path_count == len(chain.paths)
        total = math.fsum(path.product for path in chain.paths)
        assert math.isclose(total, chain.gradient, rel_tol=1e-9, abs_tol=1e-9)


@given(expressions, points)
def test_every_format_renders_every_explanation(tree: Tree, point: dict[str, float]) -> None:
    text = to_text(tree)
    used = variables_in(text)
    assume(used)
    try:
        result = explain(text, {name: point[name] for name in used})
    except AdexplainError as err:
        assert err.code == "domain", err.message
        assume(False)
        return
    for format_name in RENDERERS:
        output = renderer(format_name)(result, RenderOptions())
        assert output.endswith("\n"), format_name
        # Every format, whatever its syntax, names every node of the graph.
        missing = [n.id for n in result.graph.nodes if not re.search(rf"\b{n.id}\b", output)]
        assert not missing, (format_name, text, missing)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_every_op_declares_its_definition_in_sympy(op: Op) -> None:
    assert op.sympy.strip(), f"{op.name} has no sympy definition: the oracle cannot check it"
    arguments = sympy.symbols(f"a0:{op.arity}", real=True)
    placeholders = {f"_arg{i}": argument for i, argument in enumerate(arguments)}
    definition = sympy.parse_expr(op.sympy.format(*placeholders), local_dict=placeholders)
    assert definition.free_symbols == set(arguments), (op.name, definition)


def test_the_generator_writes_every_op_by_every_name_and_spelling() -> None:
    assert {form.spelling for form in CALLS} == set(FUNCTIONS)
    assert {form.op.name for form in WRITTEN} == OPERATORS
    assert {form.op.name for form in (*CALLS, *WRITTEN)} == set(OPS)
    assert {form.spelling for form in WRITTEN} >= {"+", "-", "*", "/", "^", "**"}
