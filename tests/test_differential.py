"""Every number of an explanation against SymPy, node by node: values, edge partials,
adjoints and tangents, not only the gradient.

The oracle reads only the graph's structure (which node uses which) and each op's
SymPy definition from the table; everything it computes it computes itself, at 30
digits: a node's value from its inlined expression, a partial by differentiating the
op's definition, an adjoint by differentiating the output with respect to that node
(the node replaced by a symbol), a tangent by differentiating the node's expression
by the variable. Kinks are left out (their partials are conventions, tested apart).
"""

from __future__ import annotations

import math

import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain
from autodiff_cli.explain import Explanation
from autodiff_cli.fold import Constant
from autodiff_cli.ops import OPS

from .strategies import NAMES, SYMBOLS, Tree, expressions, sympy_of, to_sympy, to_text

DIGITS = 30
POINTS = st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 3))


def _close(ours: float, truth: sympy.Expr, tolerance: float = 1e-8) -> bool | None:
    """Whether our number agrees with SymPy's; None where SymPy's is not a finite real."""
    value = complex(truth.evalf(DIGITS))
    if value.imag != 0 or not math.isfinite(value.real):
        return None
    return math.isclose(float(ours), value.real, rel_tol=tolerance, abs_tol=tolerance / 100)


def _node_expressions(ex: Explanation, replaced: int | None = None) -> list[sympy.Expr]:
    """Each node as a SymPy expression of the variables (node ``replaced`` as a symbol t)."""
    graph = ex.graph
    built: list[sympy.Expr] = []
    for node in graph.nodes:
        if node.index == replaced:
            built.append(sympy.Symbol("t", real=True))
        elif node.kind == "input":
            assert node.name is not None
            built.append(SYMBOLS[node.name])
        else:
            args = [
                sympy.Float(arg.value, DIGITS) if isinstance(arg, Constant) else built[arg]
                for arg in node.args
            ]
            built.append(sympy_of(OPS[node.op or ""], args))
    return built


@given(expressions, st.tuples(POINTS, POINTS, POINTS))
def test_every_value_partial_adjoint_and_tangent_agree_with_sympy(
    tree: Tree, coordinates: tuple[float, float, float]
) -> None:
    text = to_text(tree)
    used = [name for name in NAMES if name in text.replace("exp", "")]
    assume(used)
    at = dict(zip(NAMES, coordinates, strict=True))
    try:
        ex = explain(text, at={name: at[name] for name in used}, forward_mode=True)
        inlined = to_sympy(tree)
    except (AdexplainError, ValueError, TypeError):
        assume(False)
        return
    assume(not any(edge.nondifferentiable for edge in ex.edges))
    point = {SYMBOLS[name]: sympy.Float(at[name], DIGITS) for name in used}
    nodes = [expression.subs(point) for expression in _node_expressions(ex)]
    ours = [sympy.Float(float(value), DIGITS) for value in ex.values]

    # Each step on its own, at our values of its arguments: the op's value and partials
    # must be what SymPy makes of its definition there (a step is well conditioned).
    for step in ex.graph.nodes[ex.graph.input_count :]:
        op = OPS[step.op or ""]
        args = [
            sympy.Float(arg.value, DIGITS) if isinstance(arg, Constant) else ours[arg]
            for arg in step.args
        ]
        placeholders = [sympy.Symbol(f"a{i}", real=True) for i in range(op.arity)]
        definition = sympy_of(op, placeholders)
        at_args = dict(zip(placeholders, args, strict=True))
        truth = definition.subs(at_args)
        assert _close(ex.values[step.index], truth) is not False, (text, step.id)
    for edge in ex.edges:
        node = ex.graph.nodes[edge.target]
        op = OPS[node.op or ""]
        placeholders = [sympy.Symbol(f"a{i}", real=True) for i in range(op.arity)]
        args = [
            sympy.Float(arg.value, DIGITS) if isinstance(arg, Constant) else ours[arg]
            for arg in node.args
        ]
        partial = sympy.diff(sympy_of(op, placeholders), placeholders[edge.position])
        truth = partial.subs(dict(zip(placeholders, args, strict=True)))
        assert _close(edge.value, truth) is not False, (text, node.id, edge.position)

    # The whole: where the function is well conditioned at this point (our rounded values
    # are what exact arithmetic gives, to 1e-12), the output, every adjoint and every
    # tangent must be SymPy's derivatives of the inlined expressions. (sin of 2^200 is
    # not: a float's last bit of the argument moves it.)
    conditioned = all(
        _close(value, truth, 1e-12) for value, truth in zip(ex.values, nodes, strict=True)
    )
    assume(conditioned)
    assert _close(ex.output_value, inlined.subs(point)) is not False, text

    output = ex.graph.output
    for node in ex.graph.nodes:
        downstream = _node_expressions(ex, replaced=node.index)[output]
        t = sympy.Symbol("t", real=True)
        truth = sympy.diff(downstream, t).subs(point).subs(t, nodes[node.index])
        assert _close(ex.adjoints[node.index], truth) is not False, (text, node.id, "adjoint")

    expressions_of = _node_expressions(ex)
    for name, sweep in ex.tangents.items():
        for node in ex.graph.nodes:
            truth = sympy.diff(expressions_of[node.index], SYMBOLS[name]).subs(point)
            assert _close(sweep[node.index], truth) is not False, (text, node.id, name)
