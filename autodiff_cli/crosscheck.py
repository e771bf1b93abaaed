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

from .errors import AdexplainError
from .graph import Diagnostic, Graph
from .numbers import Value, to_float
from .passes import forward

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
    note: str
    """Why a route is missing or disagrees; empty when all agree."""


def cross_check(
    graph: Graph,
    point: Sequence[Value],
    variable: str,
    node: int,
    coordinate: Value,
    path_sum: Value | None,
    reverse: Value,
    forward_value: Value,
    kinks: Sequence[Diagnostic],
) -> CrossCheck:
    estimate, step, why_missing = _central_difference(graph, point, node, coordinate)
    exact_routes = [reverse, forward_value] + ([path_sum] if path_sum is not None else [])
    exact_agree = all(_close(route, reverse, EXACT_TOLERANCE) for route in exact_routes)
    estimate_agrees = estimate is None or _close(estimate, reverse, ESTIMATE_TOLERANCE)
    notes = []
    if path_sum is None:
        notes.append("the path sum is not formed: not every path is listed")
    if not exact_agree:
        notes.append(
            "the routes that should agree to rounding do not: values on the way are not "
            "finite, or the sum cancels"
        )
    if why_missing:
        notes.append(f"no finite difference: {why_missing}")
    elif not estimate_agrees:
        notes.append(_why_estimate_differs(graph, kinks))
    return CrossCheck(
        variable=variable,
        path_sum=path_sum,
        reverse=reverse,
        forward=forward_value,
        finite_difference=estimate,
        step=step,
        agree=exact_agree and estimate_agrees,
        note="; ".join(notes),
    )


def _close(a: Value, b: Value, tolerance: float) -> bool:
    a, b = to_float(a), to_float(b)  # an exact value past 1e308 compares as inf
    if math.isnan(a) or math.isnan(b):
        return False
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


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
            problem = f"at {name} ± {step:g}, {err.message}"
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


def _why_estimate_differs(graph: Graph, kinks: Sequence[Diagnostic]) -> str:
    if kinks:
        where = ", ".join(graph.id(k.node) for k in kinks)
        return (
            f"the finite difference differs because {where} "
            f"{'is' if len(kinks) == 1 else 'are'} not differentiable here: "
            "the derivative does not exist, and AD reports a convention"
        )
    return (
        "the finite difference differs: the function changes very fast near this point, "
        "or is not differentiable close to it"
    )
