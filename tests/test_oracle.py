"""SymPy as an independent oracle: Hypothesis writes expressions, both sides evaluate them.

The generator builds each expression twice, as adexplain text and directly as a
SymPy object (never by parsing our text), so the oracle shares nothing with the
code under test. Values and gradients must agree to 1e-9. Points that
adexplain refuses (outside a domain) are skipped here and tested on their own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain
from autodiff_cli.render import RENDERERS, RenderOptions, renderer

NAMES = ("x", "y", "z")
SYMBOLS = {name: sympy.Symbol(name, real=True) for name in NAMES}

UNARY: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "tanh": sympy.tanh,
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "relu": lambda a: sympy.Max(0, a),
    "abs": sympy.Abs,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
}
BINARY_FUNCTIONS: dict[str, Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    "max": sympy.Max,
    "min": sympy.Min,
    "pow": sympy.Pow,
}
OPERATORS: dict[str, Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "^": sympy.Pow,
    "**": sympy.Pow,
}

# A generated expression is a small tree of tuples; it becomes text and SymPy
# separately, and SymPy only inside the test (it may refuse, e.g. Max(acos(2))).
Tree = tuple[object, ...]

variables = st.sampled_from(NAMES).map(lambda n: ("leaf", n, SYMBOLS[n]))
leaves = st.one_of(
    # Variables three times as likely as constants, so most expressions have some.
    variables,
    variables,
    variables,
    st.integers(0, 5).map(lambda k: ("leaf", str(k), sympy.Integer(k))),
    st.sampled_from(
        [("leaf", "0.5", sympy.Rational(1, 2)), ("leaf", "pi", sympy.pi), ("leaf", "e", sympy.E)]
    ),
)


def _extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.tuples(st.just("unary"), st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("operator"), st.sampled_from(sorted(OPERATORS)), children, children),
        st.tuples(st.just("call"), st.sampled_from(sorted(BINARY_FUNCTIONS)), children, children),
    )


def to_text(tree: Tree) -> str:
    kind = tree[0]
    if kind == "leaf":
        return str(tree[1])
    if kind == "unary":
        return f"{tree[1]}({to_text(tree[2])})"  # type: ignore[arg-type]
    if kind == "neg":
        return f"-({to_text(tree[1])})"  # type: ignore[arg-type]
    if kind == "operator":
        return f"({to_text(tree[2])}) {tree[1]} ({to_text(tree[3])})"  # type: ignore[arg-type]
    return f"{tree[1]}({to_text(tree[2])}, {to_text(tree[3])})"  # type: ignore[arg-type]


def to_sympy(tree: Tree) -> sympy.Expr:
    kind = tree[0]
    if kind == "leaf":
        return tree[2]  # type: ignore[return-value]
    if kind == "unary":
        return UNARY[tree[1]](to_sympy(tree[2]))  # type: ignore[index,arg-type]
    if kind == "neg":
        return -to_sympy(tree[1])  # type: ignore[arg-type]
    table = OPERATORS if kind == "operator" else BINARY_FUNCTIONS
    return table[tree[1]](to_sympy(tree[2]), to_sympy(tree[3]))  # type: ignore[index,arg-type]


expressions = st.recursive(leaves, _extend, max_leaves=8)
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
        assert output.endswith("\n")
