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


def _close(ours: float, truth: sympy.Expr) -> bool | None:
    """Whether our number agrees with SymPy's; None where SymPy's is not a finite real."""
    value = complex(truth.evalf(DIGITS))
    if value.imag != 0 or not math.isfinite(value.real):
        return None
    return math.isclose(float(ours), value.real, rel_tol=1e-8, abs_tol=1e-10)


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
    # The graph is the expression: its output is what SymPy makes of the tree itself.
    assert _close(ex.output_value, inlined.subs(point)) is not False, text

    for node, truth in zip(ex.graph.nodes, nodes, strict=True):
        assert _close(ex.values[node.index], truth) is not False, (text, node.id)

    for edge in ex.edges:
        node = ex.graph.nodes[edge.target]
        op = OPS[node.op or ""]
        placeholders = [sympy.Symbol(f"a{i}", real=True) for i in range(op.arity)]
        args = [
            sympy.Float(arg.value, DIGITS) if isinstance(arg, Constant) else nodes[arg]
            for arg in node.args
        ]
        partial = sympy.diff(sympy_of(op, placeholders), placeholders[edge.position])
        truth = partial.subs(dict(zip(placeholders, args, strict=True)))
        assert _close(edge.value, truth) is not False, (text, node.id, edge.position)

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
