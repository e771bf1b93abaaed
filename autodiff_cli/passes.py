"""Generic passes over the graph. None of them knows any particular operation.

- :func:`forward` — the value of every node at a point (the forward pass);
- :func:`edge_partials` — the local partial on every edge, as formula and number;
- :func:`adjoints` — ∂Z/∂wᵢ for every node, by reverse accumulation;
- :func:`tangents` — ∂wᵢ/∂x for every node and one input x, by forward accumulation;
- :func:`count_paths` — how many paths lead from each node down to a variable,
  counted exactly by dynamic programming (the count can be astronomically large);
- :func:`list_paths` — the first few of those paths, never all of them.

Every loop runs over the nodes in numbering order, or its reverse: inputs come
first and an operation always comes after its arguments, so one sweep suffices
and nothing recurses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

from .arithmetic import FLOAT, MAX_EXACT_BITS, Arithmetic
from .errors import AdexplainError
from .formula import Formula
from .graph import Constant, Diagnostic, Graph, Node, operands
from .numbers import Value, format_number, is_finite, is_infinite
from .ops import OPS, Partial


class Edge(NamedTuple):
    """The edge from argument ``source`` into operation ``target`` at argument ``position``."""

    source: int
    target: int
    position: int
    formula: str
    value: Value
    nondifferentiable: bool = False


class Path(NamedTuple):
    """One path from the output down to a variable, with the edge partials along it."""

    nodes: tuple[int, ...]
    positions: tuple[int, ...]
    factors: tuple[Value, ...]
    product: Value


class Forward(NamedTuple):
    """The forward pass: node values, warnings, and (with overrides) what each step gave."""

    values: tuple[Value, ...]
    """Each node's value as later nodes use it: its override where there is one."""
    diagnostics: tuple[Diagnostic, ...]
    computed: tuple[Value, ...]
    """Each node's step applied to its arguments' values (``values`` with no overrides)."""


def forward(
    graph: Graph,
    point: Sequence[Value],
    arithmetic: Arithmetic = FLOAT,
    overrides: Mapping[int, Value] | None = None,
    *,
    outside_domain: Literal["raise", "nan"] = "raise",
) -> Forward:
    """Node values at ``point`` (one value per input, in input order), and warnings.

    ``overrides`` replaces the value of some nodes for every later node (a student's
    answers: the rest of their world follows from them). With ``outside_domain="nan"``
    a node outside its domain is nan instead of an error, as a student's world may be.

    Raises AdexplainError (code ``domain``) at the first node outside its operation's domain.
    """
    settle = arithmetic.settle
    values: list[Value] = [settle(v) for v in point]
    computed = values
    if overrides:
        computed = list(values)
        values = [overrides.get(i, v) for i, v in enumerate(values)]
    diagnostics: list[Diagnostic] = []
    apply = arithmetic.apply
    value: Value
    for node in graph.nodes[graph.input_count :]:
        op = OPS[node.op]  # type: ignore[index]
        args = [values[arg] if arg.__class__ is int else arg.value for arg in node.args]  # type: ignore[union-attr]
        reason = op.undefined(args)
        if reason is not None:
            if outside_domain == "raise":
                raise _domain_error(graph, node, args, reason)
            value, fell_back = math.nan, ""
        else:
            value, fell_back = apply(op, args)
        if fell_back:
            diagnostics.append(Diagnostic(fell_back, node.index, _FALLBACK[fell_back](node)))
        if is_infinite(value) and all(is_finite(a) for a in args):
            diagnostics.append(
                Diagnostic(
                    "overflow",
                    node.index,
                    f"{node.id} = {node.formula} overflows a float here, so its value is inf",
                )
            )
        if overrides:
            computed.append(value)
            value = overrides.get(node.index, value)
        values.append(value)
    return Forward(tuple(values), tuple(diagnostics), tuple(computed))


_FALLBACK: dict[str, Callable[[Node], str]] = {
    "inexact": lambda node: (
        f"{node.id} = {node.formula} leaves the rational numbers, so its value "
        "(and every value computed from it) is a float"
    ),
    "exact-too-large": lambda node: (
        f"{node.id} = {node.formula} is too large to keep exactly (more than "
        f"{MAX_EXACT_BITS} bits, or past a float's range), so its value is a float"
    ),
}


def _domain_error(graph: Graph, node: Node, args: Sequence[Value], reason: str) -> AdexplainError:
    # NOTE: rounded to 6 digits, asin's argument 1.0000000000000002 reads 1, inside the
    # domain the sentence says it is outside. When the arguments as printed would be
    # defined, they are shown with as many digits as it takes to tell them apart.
    printed = [
        float(format_number(value)) if isinstance(value, float) and math.isfinite(value) else value
        for value in args
    ]
    precise = node.operation.undefined(printed) is None
    described = [
        _describe_argument(graph, graph.nodes[arg], value, precise)
        for arg, value in zip(node.args, args, strict=True)
        if isinstance(arg, int)
    ]
    return AdexplainError(
        f"{node.id} = {node.formula} (from {graph.source_excerpt(node, 60)!r}) is undefined: "
        f"{reason} (here {', '.join(described)})",
        code="domain",
        text=graph.source,
        span=node.span,
    )


def _describe_argument(graph: Graph, node: Node, value: Value, precise: bool = False) -> str:
    """``w2 = x-2 = -1``: the argument's id, its source text when that says more, its value
    (``precise``: in the fewest digits, 6 at least, that read back as this very float)."""
    source = " ".join(graph.source_excerpt(node, 60).split())
    shown = f" = {source}" if node.kind == "op" and len(source) <= 40 else ""
    digits = 6
    if precise and isinstance(value, float) and math.isfinite(value):
        # 17 significant digits always read back as the same float.
        digits = next(d for d in range(6, 18) if float(format_number(value, d)) == value)
    return f"{node.id}{shown} = {format_number(value, digits)}"


def edge_partials(
    graph: Graph,
    values: Sequence[Value],
    arithmetic: Arithmetic = FLOAT,
    *,
    outside_domain: Literal["raise", "nan"] = "raise",
) -> tuple[tuple[Edge, ...], tuple[Diagnostic, ...]]:
    """Every edge's local partial, ordered by target node, then argument position.

    Where a partial does not exist (a kink), it takes the conventional value the
    table declares, the edge is marked, and a diagnostic explains the convention.
    With ``outside_domain="nan"`` (a student's values), a partial at arguments outside
    the op's domain is nan.
    """
    edges: list[Edge] = []
    diagnostics: list[Diagnostic] = []
    partial_value = arithmetic.partial
    lenient = outside_domain == "nan"
    for node in graph.nodes[graph.input_count :]:
        op = OPS[node.op]  # type: ignore[index]
        args = [values[arg] if arg.__class__ is int else arg.value for arg in node.args]  # type: ignore[union-attr]
        value = values[node.index]
        undefined = lenient and op.undefined(args) is not None
        written = operands(graph, node)
        kinks: list[str] = []
        for position, arg in enumerate(node.args):
            if arg.__class__ is not int:
                continue  # a constant is not a node: no edge, no partial
            partial = op.partials[position]
            kink = None if undefined else partial.kink(args)
            if kink is not None and kink not in kinks:
                kinks.append(kink)
            if undefined:
                number: Value = math.nan
            elif lenient:
                number = _or_nan(partial_value, partial, args, value)
            else:
                number = partial_value(partial, args, value)
            edges.append(
                Edge(arg, node.index, position, partial.text(written), number, kink is not None)
            )
        if kinks:
            message = f"{node.id}: {'; '.join(kinks)}"
            diagnostics.append(Diagnostic("nondifferentiable", node.index, message))
    return tuple(edges), tuple(diagnostics)


def edge_formula(graph: Graph, edge: Edge) -> Formula:
    """The tree ``edge.formula`` was printed from, for printers that need more than its text
    (its precedence, its TeX)."""
    node = graph.nodes[edge.target]
    return OPS[node.op].partials[edge.position].tree(operands(graph, node))  # type: ignore[index]


def _or_nan(
    partial_value: Callable[[Partial, Sequence[Value], Value], Value],
    partial: Partial,
    args: Sequence[Value],
    value: Value,
) -> Value:
    """A partial at a student's values, which may be any numbers at all: nan where it fails."""
    try:
        return partial_value(partial, args, value)
    except (ArithmeticError, ValueError):
        return math.nan


def adjoints(
    graph: Graph, edges: Sequence[Edge], arithmetic: Arithmetic = FLOAT
) -> tuple[Value, ...]:
    """∂Z/∂wᵢ for every node: Z̄ = 1, then w̄ᵢ += w̄ⱼ · ∂wⱼ/∂wᵢ over every use of wᵢ.

    Edges are ordered by target, so walking them backwards finishes every use of
    a node before that node passes its own adjoint on. The ``+=`` is what makes
    a variable used twice (``x*x``) come out right.

    NOTE: only nodes the output reaches pass anything on. A statement Z never uses
    has adjoint 0, and 0 times its partial must not reach its arguments: at an
    infinite slope (sqrt at 0) that product is nan, and would poison a gradient
    that every path says is finite.
    """
    add, multiply = arithmetic.add, arithmetic.multiply
    adjoint = [arithmetic.zero] * len(graph.nodes)
    adjoint[graph.output] = arithmetic.one
    reached = bytearray(len(graph.nodes))
    reached[graph.output] = 1
    for edge in reversed(edges):
        if reached[edge.target]:
            reached[edge.source] = 1
            adjoint[edge.source] = add(
                adjoint[edge.source], multiply(adjoint[edge.target], edge.value)
            )
    return tuple(adjoint)


def tangents(
    graph: Graph, edges: Sequence[Edge], seed: int, arithmetic: Arithmetic = FLOAT
) -> tuple[Value, ...]:
    """ẇᵢ = ∂wᵢ/∂x for every node, with ẋ = 1 on input ``seed`` and 0 on the others.

    One forward sweep: ẇⱼ = Σ over wⱼ's arguments ∂wⱼ/∂wᵢ · ẇᵢ. Edges are ordered
    by target, and every argument comes before its user, so each ẇᵢ is final
    before it is used.
    """
    add, multiply = arithmetic.add, arithmetic.multiply
    tangent = [arithmetic.zero] * len(graph.nodes)
    tangent[seed] = arithmetic.one
    for edge in edges:
        if tangent[edge.source] == 0:
            # Nothing flows from an argument the seed does not move, even along an edge
            # whose partial is undefined here (x^y's partial by y at x < 0 is nan).
            continue
        tangent[edge.target] = add(tangent[edge.target], multiply(edge.value, tangent[edge.source]))
    return tuple(tangent)


class Uses(NamedTuple):
    """Who uses whom, found once per graph for the passes made once per variable."""

    arguments: tuple[tuple[int, ...], ...]
    """Per node, the nodes among its arguments, in argument order (constants left out)."""
    last_use: list[int]
    """Per node, the last node that uses it (the number of nodes, for one nothing uses)."""


def uses(graph: Graph) -> Uses:
    arguments = tuple(
        tuple(arg for arg in node.args if arg.__class__ is int) for node in graph.nodes
    )
    last_use = [len(graph.nodes)] * len(graph.nodes)
    for user, used in enumerate(arguments):
        for node in used:
            last_use[node] = user
    return Uses(arguments, last_use)


class PathCount(NamedTuple):
    total: int
    """How many paths lead from the output down to the target: exact, however large."""
    reaches: bytes
    """Per node, 1 if some path leads from it down to the target."""


_LARGE_COUNT = 1 << 64
"""Counts past this are let go after their last use. Along a chain of shared nodes they grow
like Fibonacci numbers, 35 000 bits each at 100 000 nodes: keeping them all would take 200 MB."""


def count_paths(graph: Graph, target: int, uses: Uses) -> PathCount:
    """How many paths lead from the output down to ``target``, by dynamic programming.

    A node's count is the sum of its arguments' counts, one edge per argument
    position, so ``x*x`` counts two paths to x. Python's integers are unbounded:
    a chain of 60 squarings counts 2^60 paths exactly.
    """
    counts = [0] * len(graph.nodes)
    counts[target] = 1
    reaches = bytearray(len(graph.nodes))
    reaches[target] = 1
    large: list[int] = []
    sweep_at = 64
    for index in range(max(target + 1, graph.input_count), graph.output + 1):
        total = sum(map(counts.__getitem__, uses.arguments[index]))
        if total:
            counts[index] = total
            reaches[index] = 1
            if total > _LARGE_COUNT:
                large.append(index)
                if len(large) >= sweep_at:
                    large = _let_go(counts, large, uses.last_use, index)
                    sweep_at = 2 * len(large) + 64  # so sweeps cost O(1) per node overall
    return PathCount(counts[graph.output], bytes(reaches))


def _let_go(counts: list[int], large: list[int], last_use: list[int], now: int) -> list[int]:
    """Frees the large counts that no node after ``now`` reads; returns the others."""
    kept = []
    for index in large:
        if last_use[index] > now:
            kept.append(index)
        else:
            counts[index] = 0
    return kept


def nodes_on_paths(graph: Graph, reaches: bytes) -> frozenset[int]:
    """The nodes some path from the output down to the target passes through.

    A node is on a path when the output reaches it and it reaches the target;
    one sweep down from the output finds them all.
    """
    on_path = bytearray(len(graph.nodes))
    on_path[graph.output] = reaches[graph.output]
    for node in reversed(graph.nodes[: graph.output + 1]):
        if on_path[node.index]:
            for arg in node.args:
                if arg.__class__ is int and reaches[arg]:
                    on_path[arg] = 1
    return frozenset(i for i, flag in enumerate(on_path) if flag)


MAX_LISTED_STEPS = 100_000
"""However many paths are asked for, the listing stops once it holds this many steps in all
(at least one path is always listed): 20 paths of 100 000 steps would be two million."""


def edge_index(edges: Sequence[Edge]) -> dict[tuple[int, int], Edge]:
    """Each edge by (the node it enters, its argument position there)."""
    return {(edge.target, edge.position): edge for edge in edges}


def list_paths(
    graph: Graph,
    edge_at: dict[tuple[int, int], Edge],
    target: int,
    reaches: bytes,
    limit: int,
    arithmetic: Arithmetic = FLOAT,
) -> tuple[Path, ...]:
    """The first ``limit`` paths from the output down to ``target``, arguments in order.

    A depth-first walk with an explicit stack, stepping only into arguments that
    have a path to the target (``reaches``), so every step leads to a listed
    path and the work is bounded by ``limit`` times the path length.
    """
    paths: list[Path] = []
    if limit <= 0 or not reaches[graph.output]:
        return ()
    trail: list[int] = [graph.output]
    taken: list[Edge] = []
    next_position: list[int] = [0]
    steps = 0
    while trail and len(paths) < limit:
        node = graph.nodes[trail[-1]]
        if node.index == target:
            steps += len(taken)
            if paths and steps > MAX_LISTED_STEPS:
                break
            paths.append(_path(trail, taken, arithmetic))
            _step_back(trail, taken, next_position)
            continue
        position = next_position[-1]
        while position < len(node.args) and not _leads_to_target(node.args[position], reaches):
            position += 1
        if position == len(node.args):
            _step_back(trail, taken, next_position)
            continue
        next_position[-1] = position + 1
        step = node.args[position]
        assert isinstance(step, int)
        trail.append(step)
        taken.append(edge_at[(node.index, position)])
        next_position.append(0)
    return tuple(paths)


def _leads_to_target(arg: int | Constant, reaches: bytes) -> bool:
    return isinstance(arg, int) and reaches[arg] == 1


def _step_back(trail: list[int], taken: list[Edge], next_position: list[int]) -> None:
    trail.pop()
    next_position.pop()
    if taken:
        taken.pop()


def _path(trail: Sequence[int], taken: Sequence[Edge], arithmetic: Arithmetic) -> Path:
    factors = tuple(edge.value for edge in taken)
    product = arithmetic.one
    for factor in factors:
        product = arithmetic.multiply(product, factor)
    return Path(
        nodes=tuple(trail),
        positions=tuple(edge.position for edge in taken),
        factors=factors,
        product=product,
    )
