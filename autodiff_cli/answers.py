"""Answers: what a student can answer about a problem, and the keys problem files use.

One vocabulary for the problem loader, the grader and the quiz generator:

- ``[values]``: a node, keyed by its id in the w numbering (``w5``) whatever
  ``--notation`` shows, so a submission is written once;
- ``[partials]``: a pair of nodes, ``"wJ/wI"`` for ∂wJ/∂wI. A pair sums every edge
  from wI into wJ: for w2 = w1 * w1 it is w1 + w1, the product rule a student writes
  as 2·w1;
- ``[gradient]``: a variable, by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from .arithmetic import Arithmetic
from .notation import Notation
from .numbers import Value

if TYPE_CHECKING:
    from .explain import Explanation
    from .graph import Graph
    from .passes import Edge

SECTIONS = ("values", "partials", "gradient")
"""In the order a student works: forward pass, edge partials, then the chain rule."""

WHAT_A_KEY_NAMES = {
    "values": "a node",
    "partials": 'an edge (as "w5/w2" for ∂w5/∂w2)',
    "gradient": "a variable",
}


class Pair(NamedTuple):
    """∂wJ/∂wI as one answer: every edge from wI into wJ."""

    key: str
    target: int
    source: int
    edges: tuple[int, ...]
    """Positions in the explanation's edge list, in order."""


def node_key(graph: Graph, index: int) -> str:
    return Notation("w", graph.input_count).id(index)


def pairs(graph: Graph, edges: Sequence[Edge]) -> dict[str, Pair]:
    """Every answerable pair, in edge order, by its key."""
    ids = Notation("w", graph.input_count)
    found: dict[str, list[int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    for position, edge in enumerate(edges):
        key = f"{ids.id(edge.target)}/{ids.id(edge.source)}"
        found.setdefault(key, []).append(position)
        ends.setdefault(key, (edge.target, edge.source))
    return {key: Pair(key, *ends[key], tuple(positions)) for key, positions in found.items()}


def pair_sums(
    pairs: dict[str, Pair], per_edge: Sequence[Value], arithmetic: Arithmetic
) -> dict[str, Value]:
    """Each pair's value: the sum of its edges' values (``per_edge``, in edge order)."""
    return {key: arithmetic.total([per_edge[i] for i in pair.edges]) for key, pair in pairs.items()}


def known_keys(ex: Explanation) -> dict[str, list[str]]:
    """Every key a submission may use, by section."""
    graph = ex.graph
    return {
        "values": [node_key(graph, node.index) for node in graph.nodes],
        "partials": list(pairs(graph, ex.edges)),
        "gradient": [node.name for node in graph.inputs if node.name is not None],
    }


def answer_sheet(ex: Explanation) -> dict[str, dict[str, Value]]:
    """The right answer to every entry a student fills in (inputs are given, not asked)."""
    graph = ex.graph
    values = {
        node_key(graph, node.index): ex.values[node.index]
        for node in graph.nodes[graph.input_count :]
    }
    edge_values = [edge.value for edge in ex.edges]
    partials = pair_sums(pairs(graph, ex.edges), edge_values, ex.arithmetic)
    return {"values": values, "partials": partials, "gradient": dict(ex.gradient)}
