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
from collections.abc import Callable, Iterable, Iterator
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
        # Nodes and edges are flat objects, one line each: written straight through.
        yield "["
        separator = "\n"
        for item in value.produce():
            yield separator + inner + _flat(item)
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


_FLAT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _flat(value: Any) -> str:
    return _FLAT.encode(value)


def _is_flat(value: Any) -> bool:
    if isinstance(value, Items):
        return False
    if isinstance(value, dict):
        return all(_is_scalar_or_scalar_list(item) for item in value.values())
    if isinstance(value, list):
        return all(_is_scalar(item) for item in value)
    return True


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, Items))


def _is_scalar_or_scalar_list(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))


def document(ex: Explanation) -> dict[str, Any]:
    graph = ex.graph
    node_id = graph.id
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "expression": ex.expression,
        "at": {name: json_number(value) for name, value in ex.point.items()},
        "nodes": Items(lambda: (_node(graph, node, ex.values[node.index]) for node in graph.nodes)),
        "output": node_id(graph.output),
        "value": json_number(ex.output_value),
        "edges": Items(lambda: (_edge(graph, edge) for edge in ex.edges)),
        "gradient": {name: json_number(value) for name, value in ex.gradient.items()},
        "wrt": {chain.variable: _chain(graph, chain, ex.max_paths) for chain in ex.chains},
        "adjoints": {node_id(index): json_number(value) for index, value in enumerate(ex.adjoints)},
        "warnings": [
            {"code": d.code, "node": node_id(d.node), "message": d.message} for d in ex.diagnostics
        ],
    }
    if ex.tangents:
        doc["tangents"] = {
            variable: {node_id(i): json_number(value) for i, value in enumerate(sweep)}
            for variable, sweep in ex.tangents.items()
        }
    if ex.checks:
        doc["check"] = {variable: _check(check) for variable, check in ex.checks.items()}
    if ex.exact:
        doc["exact"] = True
        doc["gradient_exact"] = {name: exact_text(v) for name, v in ex.gradient.items()}
    return doc


def _edge(graph: Graph, edge: Edge) -> dict[str, Any]:
    return {
        "from": graph.id(edge.source),
        "to": graph.id(edge.target),
        "arg": edge.position,
        "partial": edge.formula,
        "value": json_number(edge.value),
        **_exact(edge.value),
        "nondifferentiable": edge.nondifferentiable,
    }


def _exact(value: Value) -> dict[str, str]:
    """``{"exact": "1/3"}`` beside a value kept as a fraction (--exact); nothing for a float."""
    text = exact_text(value)
    return {} if text is None else {"exact": text}


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


def _node(graph: Graph, node: Node, value: Value) -> dict[str, Any]:
    span = [node.span.start, node.span.end]
    if node.kind == "input":
        return {
            "id": node.id,
            "kind": "input",
            "name": node.name,
            "value": json_number(value),
            **_exact(value),
            "span": span,
        }
    named = {"name": node.name} if node.name is not None else {}
    return {
        "id": node.id,
        "kind": "op",
        **named,
        "op": node.op,
        "args": [
            json_number(arg.value) if isinstance(arg, Constant) else graph.id(arg)
            for arg in node.args
        ],
        "formula": node.formula,
        "source": graph.source_excerpt(node, SOURCE_LIMIT),
        "span": span,
        "value": json_number(value),
        **_exact(value),
    }


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
