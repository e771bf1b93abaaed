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
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import AdexplainError
from .graph import Constant, Diagnostic, Graph, Node, operands
from .numbers import format_number


@dataclass(frozen=True, slots=True)
class Edge:
    """The edge from argument ``source`` into operation ``target`` at argument ``position``."""

    source: int
    target: int
    position: int
    formula: str
    value: float
    nondifferentiable: bool = False


@dataclass(frozen=True, slots=True)
class Path:
    """One path from the output down to a variable, with the edge partials along it."""

    nodes: tuple[int, ...]
    positions: tuple[int, ...]
    factors: tuple[float, ...]
    product: float


def forward(
    graph: Graph, point: Sequence[float]
) -> tuple[tuple[float, ...], tuple[Diagnostic, ...]]:
    """Node values at ``point`` (one value per input, in input order), and overflow warnings.

    Raises AdexplainError (code ``domain``) at the first node outside its operation's domain.
    """
    values: list[float] = list(point)
    diagnostics: list[Diagnostic] = []
    for node in graph.nodes[graph.input_count :]:
        args = [_arg_value(arg, values) for arg in node.args]
        reason = node.operation.undefined(args)
        if reason is not None:
            raise _domain_error(graph, node, args, reason)
        value = node.operation.evaluate(args)
        if math.isinf(value) and all(math.isfinite(a) for a in args):
            diagnostics.append(
                Diagnostic(
                    "overflow",
                    node.index,
                    f"{node.id} = {node.formula} overflows a float here, so its value is inf",
                )
            )
        values.append(value)
    return tuple(values), tuple(diagnostics)


def _arg_value(arg: int | Constant, values: Sequence[float]) -> float:
    return arg.value if isinstance(arg, Constant) else values[arg]


def _domain_error(graph: Graph, node: Node, args: Sequence[float], reason: str) -> AdexplainError:
    described = [
        _describe_argument(graph, graph.nodes[arg], value)
        for arg, value in zip(node.args, args, strict=True)
        if isinstance(arg, int)
    ]
    return AdexplainError(
        f"{node.id} = {node.formula} (from {graph.source_of(node)!r}) is undefined: "
        f"{reason} (here {', '.join(described)})",
        code="domain",
        text=graph.source,
        span=node.span,
    )


def _describe_argument(graph: Graph, node: Node, value: float) -> str:
    """``w2 = x-2 = -1``: the argument's id, its source text when that says more, its value."""
    source = " ".join(graph.source_of(node).split())
    shown = f" = {source}" if node.kind == "op" and len(source) <= 40 else ""
    return f"{node.id}{shown} = {format_number(value)}"


def edge_partials(
    graph: Graph, values: Sequence[float]
) -> tuple[tuple[Edge, ...], tuple[Diagnostic, ...]]:
    """Every edge's local partial, ordered by target node, then argument position.

    At a kink the partial takes the conventional value the operation declares,
    the edge is marked, and a diagnostic explains the convention.
    """
    edges: list[Edge] = []
    diagnostics: list[Diagnostic] = []
    for node in graph.nodes[graph.input_count :]:
        op = node.operation
        args = [_arg_value(arg, values) for arg in node.args]
        written = operands(graph, node)
        kink = op.nondifferentiable(args)
        if kink is not None:
            diagnostics.append(Diagnostic("nondifferentiable", node.index, f"{node.id}: {kink}"))
        for position, arg in enumerate(node.args):
            if isinstance(arg, Constant):
                continue
            partial = op.partials[position]
            edges.append(
                Edge(
                    source=arg,
                    target=node.index,
                    position=position,
                    formula=partial.text(written),
                    value=partial.evaluate(args, values[node.index]),
                    nondifferentiable=kink is not None,
                )
            )
    return tuple(edges), tuple(diagnostics)


def adjoints(graph: Graph, edges: Sequence[Edge]) -> tuple[float, ...]:
    """∂Z/∂wᵢ for every node: Z̄ = 1, then w̄ᵢ += w̄ⱼ · ∂wⱼ/∂wᵢ over every use of wᵢ.

    Edges are ordered by target, so walking them backwards finishes every use of
    a node before that node passes its own adjoint on. The ``+=`` is what makes
    a variable used twice (``x*x``) come out right.
    """
    adjoint = [0.0] * len(graph.nodes)
    adjoint[graph.output] = 1.0
    for edge in reversed(edges):
        adjoint[edge.source] += adjoint[edge.target] * edge.value
    return tuple(adjoint)


def tangents(graph: Graph, edges: Sequence[Edge], seed: int) -> tuple[float, ...]:
    """ẇᵢ = ∂wᵢ/∂x for every node, with ẋ = 1 on input ``seed`` and 0 on the others.

    One forward sweep: ẇⱼ = Σ over wⱼ's arguments ∂wⱼ/∂wᵢ · ẇᵢ. Edges are ordered
    by target, and every argument comes before its user, so each ẇᵢ is final
    before it is used.
    """
    tangent = [0.0] * len(graph.nodes)
    tangent[seed] = 1.0
    for edge in edges:
        tangent[edge.target] += edge.value * tangent[edge.source]
    return tuple(tangent)


def count_paths(graph: Graph, target: int) -> tuple[int, ...]:
    """For each node, the exact number of paths from it down to ``target``.

    One edge per argument position, so ``x*x`` counts two paths to x. Python's
    integers are unbounded: a chain of 60 squarings counts 2^60 paths exactly.
    """
    counts = [0] * len(graph.nodes)
    counts[target] = 1
    for node in graph.nodes[max(target + 1, graph.input_count) :]:
        counts[node.index] = sum(counts[arg] for arg in node.args if isinstance(arg, int))
    return tuple(counts)


def list_paths(
    graph: Graph,
    edges: Sequence[Edge],
    target: int,
    counts: Sequence[int],
    limit: int,
) -> tuple[Path, ...]:
    """The first ``limit`` paths from the output down to ``target``, arguments in order.

    A depth-first walk with an explicit stack, stepping only into arguments that
    have a path to the target (``counts`` > 0), so every step leads to a listed
    path and the work is bounded by ``limit`` times the path length.
    """
    edge_at = {(edge.target, edge.position): edge for edge in edges}
    paths: list[Path] = []
    if limit <= 0 or counts[graph.output] == 0:
        return ()
    trail: list[int] = [graph.output]
    taken: list[Edge] = []
    next_position: list[int] = [0]
    while trail and len(paths) < limit:
        node = graph.nodes[trail[-1]]
        if node.index == target:
            paths.append(_path(trail, taken))
            _step_back(trail, taken, next_position)
            continue
        position = next_position[-1]
        while position < len(node.args) and not _leads_to_target(node.args[position], counts):
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


def _leads_to_target(arg: int | Constant, counts: Sequence[int]) -> bool:
    return isinstance(arg, int) and counts[arg] > 0


def _step_back(trail: list[int], taken: list[Edge], next_position: list[int]) -> None:
    trail.pop()
    next_position.pop()
    if taken:
        taken.pop()


def _path(trail: Sequence[int], taken: Sequence[Edge]) -> Path:
    factors = tuple(edge.value for edge in taken)
    return Path(
        nodes=tuple(trail),
        positions=tuple(edge.position for edge in taken),
        factors=factors,
        product=math.prod(factors, start=1.0),
    )
