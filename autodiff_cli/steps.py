"""The sweeps one ``+=`` at a time, as the step-through page reveals them.

:func:`~autodiff_cli.passes.adjoints` and :func:`~autodiff_cli.passes.tangents` keep only
each node's final sum. A learner watching the reverse sweep wants every term as it
is added: ``w̄5 += w̄6 · ∂w6/∂w5``, and the sum so far. These functions replay the same
loops over the same edges, in the same order, with the same arithmetic, and record
each step; a test holds their last sums to the passes' own values, bit for bit.
"""

from __future__ import annotations

from typing import NamedTuple

from .explain import ChainRule, Explanation
from .numbers import Value


class Step(NamedTuple):
    """One ``+=`` of a sweep: node ``node`` receives ``term`` along edge ``edge`` (an index
    into ``Explanation.edges``) and now holds ``total``. The seed has no edge; its term is
    the 1 it starts with."""

    node: int
    edge: int | None
    term: Value
    total: Value


def reverse_steps(ex: Explanation) -> tuple[Step, ...]:
    """Z̄ = 1, then for each edge from the last: w̄ᵢ += w̄ⱼ · ∂wⱼ/∂wᵢ (as ``passes.adjoints``).

    Only nodes the output reaches pass anything on, as in the pass: an unused statement's
    edges add nothing and are not steps.
    """
    graph, arithmetic = ex.graph, ex.arithmetic
    total = [arithmetic.zero] * len(graph.nodes)
    total[graph.output] = arithmetic.one
    reached = bytearray(len(graph.nodes))
    reached[graph.output] = 1
    steps = [Step(graph.output, None, arithmetic.one, arithmetic.one)]
    for index in range(len(ex.edges) - 1, -1, -1):
        edge = ex.edges[index]
        if not reached[edge.target]:
            continue
        reached[edge.source] = 1
        term = arithmetic.multiply(total[edge.target], edge.value)
        total[edge.source] = arithmetic.add(total[edge.source], term)
        steps.append(Step(edge.source, index, term, total[edge.source]))
    return tuple(steps)


def forward_steps(ex: Explanation, chain: ChainRule) -> tuple[Step, ...]:
    """ẋ = 1 on the chain's variable, then for each edge in order: ẇⱼ += ∂wⱼ/∂wᵢ · ẇᵢ (as
    ``passes.tangents``); an edge from a node whose tangent is 0 adds nothing and is no step."""
    graph, arithmetic = ex.graph, ex.arithmetic
    total = [arithmetic.zero] * len(graph.nodes)
    total[chain.node] = arithmetic.one
    steps = [Step(chain.node, None, arithmetic.one, arithmetic.one)]
    for index, edge in enumerate(ex.edges):
        if total[edge.source] == 0:
            continue
        term = arithmetic.multiply(edge.value, total[edge.source])
        total[edge.target] = arithmetic.add(total[edge.target], term)
        steps.append(Step(edge.target, index, term, total[edge.target]))
    return tuple(steps)
