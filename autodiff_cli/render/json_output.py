"""JSON in schema ``adexplain/1`` (SPEC.md): strict RFC 8259, full precision.

Non-finite numbers become the strings ``"inf"``, ``"-inf"`` and ``"nan"``;
exact integers (node values like 5, path counts like 2^60) are JSON integers.
With --exact, a value kept as a fraction also has ``"exact": "1/3"`` beside it,
and ``gradient_exact`` holds the gradient as such strings (null where a float).
An argument list mixes node ids (strings) and constants (numbers):
``max(0, w6)`` has ``"args": [0, "w6"]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from ..crosscheck import CrossCheck
from ..explain import ChainRule, Explanation
from ..graph import Constant, Graph, Node
from ..numbers import Value, exact_text, json_count, json_number
from ..passes import Edge, Path
from . import RenderOptions

SCHEMA = "adexplain/1"


def render(ex: Explanation, options: RenderOptions) -> str:
    return "".join(stream(ex, options))


def stream(ex: Explanation, options: RenderOptions) -> Iterator[str]:
    """The document piece by piece, so a graph of 500 000 nodes is never one string in memory."""
    yield from chunks(document(ex))
    yield "\n"


class Items:
    """A list produced one item at a time while it is written (nodes, edges)."""

    def __init__(self, produce: Callable[[], Iterable[Any]]) -> None:
        self.produce = produce


def chunks(value: Any, indent: str = "") -> Iterator[str]:
    """JSON laid out for reading: one line per node, edge or path, nested objects indented.

    A container holding only scalars (or lists of scalars) goes on one line;
    anything deeper opens onto lines of its own. Scalars go through json.dumps,
    which does the escaping and refuses NaN.
    """
    if _is_flat(value):
        yield _flat(value)
        return
    inner = indent + "  "
    if isinstance(value, dict):
        opening, items = (
            "{",
            ((f"{json.dumps(key, ensure_ascii=False)}: ", item) for key, item in value.items()),
        )
        closing = "}"
    elif isinstance(value, Items):
        # Nodes and edges are flat objects, one line each, written a batch of lines at a time.
        yield "["
        separator = "\n"
        for lines in _batches(value.produce(), inner):
            yield separator + inner
            yield lines
            separator = ",\n"
        yield ("\n" + indent if separator != "\n" else "") + "]"
        return
    else:
        opening, items, closing = "[", (("", item) for item in value), "]"
    yield opening
    separator = "\n"
    for prefix, item in items:
        yield separator + inner + prefix
        yield from chunks(item, inner)
        separator = ",\n"
    yield ("\n" + indent if separator != "\n" else "") + closing


# check_circular=False: document() below builds a tree, so there are no cycles to look for,
# and looking costs a bookkeeping step for every object and list written.
_FLAT = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(", ", ": "), check_circular=False
)


def _flat(value: Any) -> str:
    return _FLAT.encode(value)


BATCH_SIZE = 500
"""Nodes or edges encoded by one call of the JSON encoder. Every call has a fixed cost (it
sets up a new encoder), which one call per item paid 300 000 times for a large graph; a
batch pays it rarely, and holds only about a hundred kilobytes of text at a time."""


def _batches(items: Iterable[dict[str, Any]], indent: str) -> Iterator[str]:
    """Flat objects one per line, lines joined by commas: a string per batch of items.

    The first line of a batch is left for the caller to indent, like a single item.
    """
    remaining = iter(items)
    while batch := list(islice(remaining, BATCH_SIZE)):
        yield _one_per_line(batch, indent)


def _one_per_line(batch: list[dict[str, Any]], indent: str) -> str:
    """The items as ``_flat`` writes each one, on lines of their own after ``indent``.

    One encoder call writes the whole list on one line, ``[{"id": "w1", ...}, {"id": "w2", ...}]``;
    the line breaks then go between the items, and the brackets are dropped.
    """
    # NOTE: the breaks go where '}, {"id": ' occurs (with the key every item begins with),
    # and that text can only be the boundary between two items. Inside a JSON string every "
    # is escaped as \", so this " (after a {, not a \) is a real quote; it opens the string
    # "id", since a closing quote is never followed by a letter. So a { starts an object
    # there, and as the items are flat (no object inside one), that object is an item.
    first_key = _flat(next(iter(batch[0]))) + ": "
    boundary, line_break = "}, {" + first_key, "},\n" + indent + "{" + first_key
    one_line = _flat(batch)
    lines = one_line.replace(boundary, line_break)
    # Each break lengthens the text by the same amount: any other length means an item
    # began with another key, or was not flat, and the lines would come out wrong.
    added = len(lines) - len(one_line)
    assert added == (len(batch) - 1) * (len(line_break) - len(boundary)), "items not flat"
    return lines[1:-1]


def _is_flat(value: Any) -> bool:
    if isinstance(value, Items):
        return False
    if isinstance(value, dict):
        return all(map(_is_scalar_or_scalar_list, value.values()))
    if isinstance(value, list):
        return all(map(_is_scalar, value))
    return True


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, Items))


def _is_scalar_or_scalar_list(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))


def document(ex: Explanation) -> dict[str, Any]:
    graph = ex.graph
    # ids[i] is graph.id(i), fetched once here rather than once per mention of a node.
    ids = [node.id for node in graph.nodes]
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "expression": ex.expression,
        "at": {name: json_number(value) for name, value in ex.point.items()},
        "nodes": Items(lambda: _nodes(ex, ids)),
        "output": ids[graph.output],
        "value": json_number(ex.output_value),
        "edges": Items(lambda: _edges(ex, ids)),
        "gradient": {name: json_number(value) for name, value in ex.gradient.items()},
        "wrt": {chain.variable: _chain(graph, chain, ex.max_paths) for chain in ex.chains},
        "adjoints": _by_node(ids, ex.adjoints),
        "warnings": [
            {"code": d.code, "node": ids[d.node], "message": d.message} for d in ex.diagnostics
        ],
    }
    if ex.tangents:
        doc["tangents"] = {
            variable: _by_node(ids, sweep) for variable, sweep in ex.tangents.items()
        }
    if ex.checks:
        doc["check"] = {variable: _check(check) for variable, check in ex.checks.items()}
    if ex.exact:
        doc["exact"] = True
        doc["gradient_exact"] = {name: exact_text(v) for name, v in ex.gradient.items()}
    return doc


def _by_node(ids: Sequence[str], values: Sequence[Value]) -> dict[str, int | float | str]:
    """``{"w1": 0.5, "w2": 1, ...}``: one value per node (adjoints, tangents), by node id."""
    return dict(zip(ids, map(json_number, values), strict=True))


def _nodes(ex: Explanation, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    graph, values, exact = ex.graph, ex.values, ex.exact
    for node in graph.nodes:
        yield _node(graph, ids, node, values[node.index], exact)


def _edges(ex: Explanation, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    exact = ex.exact
    for edge in ex.edges:
        yield _edge(ids, edge, exact)


def _edge(ids: Sequence[str], edge: Edge, exact: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "from": ids[edge.source],
        "to": ids[edge.target],
        "arg": edge.position,
        "partial": edge.formula,
        "value": json_number(edge.value),
    }
    if exact:
        _add_exact(item, edge.value)
    item["nondifferentiable"] = edge.nondifferentiable
    return item


def _add_exact(item: dict[str, Any], value: Value) -> None:
    """``"exact": "1/3"`` beside a value kept as a fraction; nothing for a float.

    Called only with --exact: without it every value is a float, and a large graph
    would pay for the test on each of its hundreds of thousands of nodes and edges.
    """
    text = exact_text(value)
    if text is not None:
        item["exact"] = text


def _check(check: CrossCheck) -> dict[str, Any]:
    return {
        "path_sum": None if check.path_sum is None else json_number(check.path_sum),
        "reverse": json_number(check.reverse),
        "forward": json_number(check.forward),
        "finite_difference": (
            None if check.finite_difference is None else json_number(check.finite_difference)
        ),
        "step": check.step,
        "agree": check.agree,
        "note": check.note,
    }


def _node(
    graph: Graph, ids: Sequence[str], node: Node, value: Value, exact: bool
) -> dict[str, Any]:
    span = [node.span.start, node.span.end]
    if node.kind == "input":
        item: dict[str, Any] = {
            "id": node.id,
            "kind": "input",
            "name": node.name,
            "value": json_number(value),
        }
        if exact:
            _add_exact(item, value)
        item["span"] = span
        return item
    item = {
        "id": node.id,
        "kind": "op",
        "name": node.name,
        "op": node.op,
        "args": [
            json_number(arg.value) if isinstance(arg, Constant) else ids[arg] for arg in node.args
        ],
        "formula": node.formula,
        "source": graph.source_excerpt(node, SOURCE_LIMIT),
        "span": span,
        "value": json_number(value),
    }
    if node.name is None:
        del item["name"]  # only a program's intermediates (a = x*x) are named
    if exact:
        _add_exact(item, value)
    return item


SOURCE_LIMIT = 200
"""Longer sources are cut in the middle: a deep expression would otherwise repeat its whole
text at every level, and JSON would grow with the square of the input. ``span`` is exact."""


def _chain(graph: Graph, chain: ChainRule, max_paths: int) -> dict[str, Any]:
    return {
        "node": graph.id(chain.node),
        "gradient": json_number(chain.gradient),
        "path_count": json_count(chain.path_count),
        "paths": [_path(graph, path) for path in chain.paths],
        "paths_listed": len(chain.paths),
        "paths_unlisted": json_count(chain.unlisted),
        "max_paths": max_paths,
    }


def _path(graph: Graph, path: Path) -> dict[str, Any]:
    return {
        "nodes": [graph.id(n) for n in path.nodes],
        "args": list(path.positions),
        "factors": [json_number(f) for f in path.factors],
        "product": json_number(path.product),
    }
