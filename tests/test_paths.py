"""Path counting, reach and listing for every variable at once, against the one-variable way.

The passes count paths for all variables in one sweep and find which nodes lead where in
one sweep of bit masks. The references here are the plain per-variable algorithms the
passes replaced, written out small: a count by dynamic programming up from each variable,
and every path enumerated by recursion.
"""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.graph import Graph
from autodiff_cli.passes import (
    MAX_LISTED_STEPS,
    MAX_SWEPT_CELLS,
    Edge,
    Reaches,
    Target,
    count_paths,
    edge_index,
    edge_partials,
    forward,
    list_paths,
    reach_masks,
    uses,
)
from autodiff_cli.render import RenderOptions
from autodiff_cli.render.formats.json import render


def reference_count(graph: Graph, target: int) -> tuple[int, list[bool]]:
    """Paths from the output down to ``target``, and which nodes reach it: one sweep up
    from the target, summing each node's arguments' counts (the old per-variable pass)."""
    counts = [0] * len(graph.nodes)
    counts[target] = 1
    for node in graph.nodes[max(target + 1, graph.input_count) : graph.output + 1]:
        counts[node.index] = sum(counts[arg] for arg in node.args if isinstance(arg, int))
    return counts[graph.output], [count > 0 for count in counts]


def reference_paths(graph: Graph, node: int, target: int) -> list[tuple[int, ...]]:
    """Every path from ``node`` down to ``target``, arguments in order, by recursion."""
    if node == target:
        return [(node,)]
    found = []
    for arg in graph.nodes[node].args:
        if isinstance(arg, int):
            found += [(node, *rest) for rest in reference_paths(graph, arg, target)]
    return found


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, dict[str, float]]:
    """A small program over up to four variables whose statements share one another,
    so paths multiply, with now and then a statement Z never uses or a repeated argument."""
    names = [f"x{i}" for i in range(draw(st.integers(1, 4)))]
    available = list(names)
    lines = []
    for i in range(draw(st.integers(1, 7))):
        left, right = draw(st.lists(st.sampled_from(available), min_size=2, max_size=2))
        kind = draw(st.sampled_from(["+", "*", "-", "sin", "max", "const"]))
        if kind == "sin":
            text = f"sin({left})"
        elif kind == "max":
            text = f"max({left}, {right})"
        elif kind == "const":
            text = f"2*{left}"
        else:
            text = f"{left} {kind} {right}"
        lines.append(f"a{i} = {text}")
        available.append(f"a{i}")
    output = draw(st.sampled_from(available))
    program = "\n".join([*lines, f"{output} + 0"])
    used = [name for name in names if re.search(rf"\b{name}\b", program)]
    return program, {name: 0.25 + 0.5 * i for i, name in enumerate(used)}


@given(programs())
def test_one_sweep_counts_and_reaches_as_the_per_variable_passes_did(
    case: tuple[str, dict[str, float]],
) -> None:
    program, point = case
    result = explain(program, point, max_paths=10_000)
    graph = result.graph
    counts = count_paths(graph, uses(graph))
    assert len(counts) == graph.input_count
    for chain in result.chains:
        expected, reaches = reference_count(graph, chain.node)
        assert counts[chain.node] == chain.path_count == expected
        assert [chain.reaches[i] for i in range(len(graph.nodes))] == reaches
        on_paths = {i for i in range(len(graph.nodes)) if reaches[i] and _from_output(graph, i)}
        assert result.on_paths(chain) == on_paths


@given(programs())
def test_listing_gives_the_first_paths_in_argument_order(
    case: tuple[str, dict[str, float]],
) -> None:
    program, point = case
    for limit in (1, 3, 10_000):
        result = explain(program, point, max_paths=limit)
        for chain in result.chains:
            every = reference_paths(result.graph, result.graph.output, chain.node)
            assert [path.nodes for path in chain.paths] == every[:limit]
            assert chain.unlisted == len(every) - len(chain.paths)


def _from_output(graph: Graph, node: int) -> bool:
    """Whether some path leads from the output down to ``node`` (found the slow way)."""
    return bool(reference_paths(graph, graph.output, node))


def test_sixty_squarings_count_two_to_the_sixty_in_one_sweep() -> None:
    lines = ["a1 = x*x", *(f"a{i} = a{i - 1}*a{i - 1}" for i in range(2, 61)), "a60"]
    result = explain("\n".join(lines), {"x": 1}, max_paths=3)
    assert count_paths(result.graph, uses(result.graph)) == (2**60,)
    assert [len(path.factors) for path in result.chains[0].paths] == [60, 60, 60]


def _squared_sum(variables: int, squarings: int) -> tuple[str, dict[str, float]]:
    """``s = x0 + ... + x(k-1)``, squared ``squarings`` times: each variable has 2^squarings
    paths, each of about squarings + k steps."""
    names = [f"x{i}" for i in range(variables)]
    lines = [f"s = {' + '.join(names)}", "a0 = s*s"]
    lines += [f"a{i} = a{i - 1}*a{i - 1}" for i in range(1, squarings)]
    lines.append(f"a{squarings - 1}")
    return "\n".join(lines), {name: 1.0 for name in names}


def test_one_listing_budget_is_shared_by_all_variables() -> None:
    # 60 variables x 20 paths x about 150 steps: 180 000 steps, past the budget in all,
    # though each variable alone (3 000 steps) is far inside it, where the old bound was.
    program, point = _squared_sum(60, 90)
    result = explain(program, point)
    steps = [sum(len(p.factors) for p in chain.paths) for chain in result.chains]
    assert 0 < sum(steps) <= MAX_LISTED_STEPS
    assert sum(steps) > MAX_LISTED_STEPS - 200  # stops only at the path that would not fit
    assert all(chain.path_count == 2**90 for chain in result.chains)
    # Every variable has its first path before any has its second.
    assert all(len(chain.paths) >= 1 for chain in result.chains)
    listed = [len(chain.paths) for chain in result.chains]
    assert listed[0] == 20 and listed[-1] == 1
    assert listed == sorted(listed, reverse=True)
    document = json.loads(render(result, RenderOptions()))
    for chain in result.chains:
        entry = document["wrt"][chain.variable]
        assert entry["paths_listed"] == len(entry["paths"]) == len(chain.paths)
        assert entry["paths_unlisted"] == 2**90 - len(chain.paths)


def _targets(
    program: str, point: dict[str, float]
) -> tuple[Graph, list[Target], dict[tuple[int, int], Edge]]:
    result = explain(program, point, max_paths=0)
    graph = result.graph
    counts = count_paths(graph, uses(graph))
    nodes = [chain.node for chain in result.chains]
    masks = reach_masks(graph, uses(graph), nodes)
    targets = [Target(node, Reaches(masks, bit), counts[node]) for bit, node in enumerate(nodes)]
    values = forward(graph, list(point.values())).values
    return graph, targets, edge_index(edge_partials(graph, values)[0])


def test_the_listing_stops_for_good_at_the_first_path_that_would_not_fit() -> None:
    graph, targets, edge_at = _targets(*_squared_sum(3, 4))
    lengths = [len(reference_paths(graph, graph.output, t.node)[0]) - 1 for t in targets]
    assert lengths == [6, 6, 5]  # (x0 + x1) + x2, then four squarings: 16 paths each
    listed = list_paths(graph, edge_at, targets, limit=20, steps=6 + 6 + 2)
    assert [len(paths) for paths in listed] == [1, 1, 0]  # x2's 5 steps would not fit in 2
    listed = list_paths(graph, edge_at, targets, limit=20, steps=6 + 6 + 5 + 6 + 5)
    assert [len(paths) for paths in listed] == [2, 1, 1]  # first paths, then x0's second
    # The first path is listed however long, and nothing after it.
    listed = list_paths(graph, edge_at, targets, limit=20, steps=3)
    assert [len(paths) for paths in listed] == [1, 0, 0]
    assert list_paths(graph, edge_at, targets, limit=0) == ((), (), ())


def test_a_variable_with_no_path_is_counted_zero_and_lists_nothing() -> None:
    result = explain("a = x*y\nb = y*y\nb + 1", {"x": 1, "y": 2})
    x, y = result.chains
    assert (x.path_count, x.paths, x.gradient) == (0, (), 0)
    assert y.path_count == 2 and len(y.paths) == 2
    assert result.on_paths(x) == frozenset()


def test_forward_sweeps_and_checks_share_one_budget_of_node_values() -> None:
    # A sum of 400 variables is 799 nodes: 400 sweeps would hold 319 600 values.
    names = [f"x{i}" for i in range(1, 401)]
    result = explain("+".join(names), {name: 1.0 for name in names}, check=True)
    fitting = MAX_SWEPT_CELLS // len(result.graph.nodes)
    assert list(result.tangents) == list(result.checks) == names[:fitting]
    assert all(result.tangents[name][result.graph.output] == 1 for name in names[:fitting])
    assert result.gradient == {name: 1.0 for name in names}  # the reverse sweep: complete
    (warning,) = [d for d in result.diagnostics if d.code == "sweeps-bounded"]
    assert f"{400 - fitting} variables ({names[fitting]}," in warning.message
    assert f"--wrt {names[fitting]},{names[fitting + 1]}" in warning.message
    document = json.loads(render(result, RenderOptions(sections=frozenset({"tangents"}))))
    assert len(document["tangents"]) == fitting
    assert "sweeps-bounded" in [w["code"] for w in document["warnings"]]
    # Not asked for, no sweep is made, and none is missed.
    plain = explain("+".join(names), {name: 1.0 for name in names})
    assert not plain.tangents and not [d for d in plain.diagnostics if d.code == "sweeps-bounded"]
    # Asked for by name, a variable left out gets its sweep.
    alone = explain("+".join(names), {name: 1.0 for name in names}, wrt=[names[-1]], check=True)
    assert list(alone.checks) == [names[-1]] and alone.checks[names[-1]].agree
    assert not [d for d in alone.diagnostics if d.code == "sweeps-bounded"]


def test_one_variable_is_swept_however_large_the_graph() -> None:
    terms = MAX_SWEPT_CELLS // 2 + 1  # more nodes than the budget holds values
    result = explain("+".join(["x"] * terms), {"x": 1.0}, forward_mode=True)
    assert result.tangents["x"][result.graph.output] == terms
    assert not [d for d in result.diagnostics if d.code == "sweeps-bounded"]
