"""Four routes to one derivative, compared: path sum, reverse sweep, forward sweep, and a
central finite difference.

The first three are exact reformulations of the chain rule and must agree to
rounding. The finite difference is an independent estimate from two extra
forward passes; it agrees where the function is smooth, and this module says
why when it cannot (a kink on the way, a domain boundary within reach).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import labels as label
from .errors import AdexplainError
from .graph import Diagnostic, Graph
from .numbers import Value, format_number, is_infinite, is_nan, to_float
from .ops import OPS
from .passes import Edge, forward

EXACT_TOLERANCE = 1e-9
"""Relative: path sum, reverse and forward differ only by rounding."""
ESTIMATE_TOLERANCE = 1e-5
"""Relative: a central difference with step 1e-5 is good to about 1e-10, with margin."""


@dataclass(frozen=True, slots=True)
class CrossCheck:
    variable: str
    path_sum: Value | None
    """None when not every path was listed."""
    reverse: Value
    forward: Value
    finite_difference: float | None
    """None when x ± h leaves a domain."""
    step: float
    agree: bool
    """Every route gives the same number (three nan are the same: nan)."""
    note: str
    """Why a route is missing or disagrees, or why there is no derivative; empty when all
    agree at a point where the function is differentiable."""
    exact_agree: bool = True
    """Path sum, reverse and forward sweep agree (to rounding)."""
    kinks: tuple[str, ...] = ()
    """The nodes on the way to the variable that are not differentiable here: then there is
    no derivative, and the routes of AD can only agree on the convention."""


def cross_check(
    graph: Graph,
    point: Sequence[Value],
    variable: str,
    node: int,
    coordinate: Value,
    path_sum: Value | None,
    reverse: Value,
    sweep: Sequence[Value],
    edges: Sequence[Edge],
    kinks: Sequence[Diagnostic],
    *,
    values: Sequence[Value] = (),
) -> CrossCheck:
    """The four routes to ∂Z/∂variable compared. ``sweep`` is the forward sweep's tangents,
    ``kinks`` the nodes on the way that are not differentiable here, ``values`` every node's
    value (to say what a central difference gives at a kink; without them it is not said)."""
    forward_value = sweep[graph.output]
    estimate, step, why_missing = _central_difference(graph, point, node, coordinate)
    exact_routes = [reverse, forward_value] + ([path_sum] if path_sum is not None else [])
    exact_agree = all(_same(route, reverse, EXACT_TOLERANCE) for route in exact_routes)
    estimate_agrees = estimate is None or _same(estimate, reverse, ESTIMATE_TOLERANCE)
    notes = []
    if path_sum is None:
        notes.append("the path sum is not formed: not every path is listed")
    if not exact_agree:
        notes.append(
            "the routes that should agree to rounding do not: values on the way are not "
            "finite, or the sum cancels"
        )
    if any(is_nan(route) for route in exact_routes):
        notes.append(_where_nan_began(graph, edges, sweep))
    kink_ids = tuple(graph.id(k.node) for k in kinks)
    if kink_ids:
        mean = _one_sided_mean(graph, edges, values, kinks) if values else None
        notes.append(_no_derivative(kink_ids, estimate, estimate_agrees, why_missing, mean))
    elif why_missing:
        notes.append(f"no finite difference: {why_missing}")
    elif not estimate_agrees:
        notes.append(
            "the finite difference differs: the function changes very fast near this point, "
            "or is not differentiable close to it"
        )
    return CrossCheck(
        variable=variable,
        path_sum=path_sum,
        reverse=reverse,
        forward=forward_value,
        finite_difference=estimate,
        step=step,
        agree=exact_agree and estimate_agrees,
        note="; ".join(notes),
        exact_agree=exact_agree,
        kinks=kink_ids,
    )


def _same(a: Value, b: Value, tolerance: float) -> bool:
    """Equal to ``tolerance``; two nan are the same outcome, and so are two equal infinities."""
    a, b = to_float(a), to_float(b)  # an exact value past 1e308 compares as inf
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


class _Mean(NamedTuple):
    """A kink's convention beside the mean of the slopes on either side of it."""

    op: str
    convention: Value
    low: Value
    high: Value

    @property
    def is_convention(self) -> bool:
        return 2 * self.convention == self.low + self.high


def _one_sided_mean(
    graph: Graph, edges: Sequence[Edge], values: Sequence[Value], kinks: Sequence[Diagnostic]
) -> _Mean | None:
    """What a central difference gives at the one kink on the way, set against the op's
    convention there: None with more than one kink (their one-sided slopes multiply, and the
    mean of products is not the product of means), or where the op gives no one-sided slopes.

    NOTE: a subdifferential's ends are the slopes on either side (relu's 0 and 1, a tie's 0
    and 1 for each argument), and with one kink the output is linear in that choice, so for
    a step small enough a central difference is their mean: 1/2 at a tie, which is max's
    convention, and 1/2 at relu(0), which is not relu's.
    """
    if len({kink.node for kink in kinks}) != 1:
        return None
    node = graph.nodes[kinks[0].node]
    op = OPS[node.op]  # type: ignore[index]
    args = [values[arg] if isinstance(arg, int) else arg.value for arg in node.args]
    means = []
    for edge in edges:
        if edge.target == node.index and edge.nondifferentiable:
            ends = op.partial(edge.position).subdifferential(args)
            if ends is None:
                return None
            means.append(_Mean(node.op, edge.value, *ends))  # type: ignore[arg-type]
    differing = [mean for mean in means if not mean.is_convention]
    chosen = differing or means
    return chosen[0] if chosen else None


def _no_derivative(
    kinks: Sequence[str],
    estimate: float | None,
    estimate_agrees: bool,
    why_missing: str,
    mean: _Mean | None = None,
) -> str:
    """At a kink: AD's routes can only agree on the convention; the derivative does not exist.
    ``mean`` says what a central difference gives there, when that is known."""
    where = ", ".join(kinks)
    verb = "is" if len(kinks) == 1 else "are"
    said = f"{where} {verb} not differentiable at this point"
    if why_missing:
        return f"{said}; no finite difference either: {why_missing}"
    if mean is not None and (mean.is_convention or not estimate_agrees):
        slopes = (
            f"a central difference averages the slopes on either side, as if {mean.op}'s "
            f"partial were {_halfway(mean)} (the mean of {format_number(mean.low)} and "
            f"{format_number(mean.high)})"
        )
        if mean.is_convention:
            return f"{said}; {slopes}, which is {mean.op}'s convention, so the two agree"
        return (
            f"{said}; {slopes}, but {mean.op}'s convention is "
            f"{format_number(mean.convention)}, so the two differ"
        )
    if estimate_agrees:
        return f"{said}, so the finite difference agrees with the convention only by chance"
    return f"{said}, so the finite difference need not give the convention's value"


def _halfway(mean: _Mean) -> str:
    return format_number((mean.low + mean.high) / 2)


def _where_nan_began(graph: Graph, edges: Sequence[Edge], sweep: Sequence[Value]) -> str:
    """The first step of the forward sweep that made nan of numbers (inf · 0, say)."""
    for edge in edges:
        tangent, partial = sweep[edge.source], edge.value
        if is_nan(tangent) or is_nan(partial):
            if is_nan(partial) and not is_nan(tangent) and tangent != 0:
                source = graph.notation.tangent(edge.source)
                return (
                    f"nan began at {label.edge(graph, edge.target, edge.source)}, which is nan "
                    f"here (with {source} = {format_number(tangent)})"
                )
            continue
        if (is_infinite(partial) and tangent == 0) or (is_infinite(tangent) and partial == 0):
            step = label.edge(graph, edge.target, edge.source)
            source = graph.notation.tangent(edge.source)
            return (
                f"nan began at {step} · {source} = {format_number(partial)} · "
                f"{format_number(tangent)}: inf · 0 has no value, so every route takes it "
                "as nan (IEEE 754's rule, and PyTorch's)"
            )
    return "nan came from a value on the way that is nan"


RELATIVE_STEP = 1e-5
"""About the cube root of float precision: the best step for a central difference."""


def _steps(coordinate: Value) -> list[float]:
    """Steps to try, largest first; smaller ones only when x ± h would leave a domain."""
    x = to_float(coordinate)
    base = RELATIVE_STEP * max(1.0, abs(x))
    relative = [RELATIVE_STEP * abs(x)] if 0 < abs(x) < 1 else []
    # Near 5e-324 a relative step is 0, and at inf every step is: neither can divide.
    return [h for h in (base, *relative, base / 100, base / 10_000) if 0 < h < math.inf]


def _central_difference(
    graph: Graph, point: Sequence[Value], node: int, coordinate: Value
) -> tuple[float | None, float, str]:
    """(f(x+h) - f(x-h)) / 2h, with the first step whose x ± h stays inside every domain.
    ``node`` is an input, or a named intermediate whose value ``coordinate`` is moved."""
    name = graph.nodes[node].name
    steps = _steps(coordinate)
    if not steps:
        return None, math.nan, f"{name} is too large for a finite step"
    problem = ""
    for step in steps:
        try:
            above, below = (
                _output_at(graph, point, node, coordinate, sign * step) for sign in (1, -1)
            )
        except AdexplainError as err:
            moved = f"{name} = {format_number(coordinate)} ± {format_number(step)}"
            problem = f"at {moved}, {err.message}"
            continue
        estimate = (above - below) / (2 * step)
        if not math.isfinite(estimate):
            return None, step, "the output is not finite near this point"
        return estimate, step, ""
    return None, steps[0], problem


def _output_at(
    graph: Graph, point: Sequence[Value], node: int, coordinate: Value, offset: float
) -> float:
    moved = [to_float(value) for value in point]  # an exact 2^1100 is inf as a float
    if node < graph.input_count:
        values = forward(graph, [*moved[:node], moved[node] + offset, *moved[node + 1 :]]).values
    else:  # an intermediate moved alone: every later node sees the moved value
        values = forward(graph, moved, overrides={node: to_float(coordinate) + offset}).values
    return to_float(values[graph.output])
