"""JSON in schema ``adexplain/1`` (SPEC.md): strict RFC 8259, full precision.

Non-finite numbers become the strings ``"inf"``, ``"-inf"`` and ``"nan"``;
exact integers (node values like 5, path counts like 2^60) are JSON integers.
With --exact, a value kept as a fraction also has ``"exact": "1/3"`` beside it,
and ``gradient_exact`` holds the gradient as such strings (null where a float), and
``at_exact`` the point.
An argument list mixes node ids (strings) and constants (numbers):
``max(0, w6)`` has ``"args": [0, "w6"]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from ...crosscheck import CrossCheck
from ...explain import ChainRule, Explanation
from ...graph import Constant, Graph, Node
from ...labels import notation_note
from ...numbers import Value, json_count, json_number
from ...passes import Edge, Path
from .. import RenderOptions

SUFFIX = "json"
"""How the golden files of this format are named."""

SCHEMA = "adexplain/1"


def render(ex: Explanation, options: RenderOptions) -> str:
    return "".join(stream(ex, options))


def stream(ex: Explanation, options: RenderOptions) -> Iterator[str]:
    """The document piece by piece, so a graph of 500 000 nodes is never one string in memory."""
    yield from chunks(document(ex))
    yield "\n"


class Lines:
    """A list of flat objects (nodes, edges), each already written as one line of JSON,
    produced while the document is written: 500 000 nodes are never all in memory."""

    def __init__(self, produce: Callable[[], Iterable[str]]) -> None:
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
    elif isinstance(value, Lines):
        yield "["
        separator = "\n" + inner
        lines = iter(value.produce())
        while batch := list(islice(lines, 500)):  # one string per 500 lines: fewer writes
            yield separator + (",\n" + inner).join(batch)
            separator = ",\n" + inner
        yield ("\n" + indent if separator != "\n" + inner else "") + "]"
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


def _is_flat(value: Any) -> bool:
    if isinstance(value, Lines):
        return False
    if isinstance(value, dict):
        return all(map(_is_scalar_or_scalar_list, value.values()))
    if isinstance(value, list):
        return all(map(_is_scalar, value))
    return True


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, Lines))


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
        "nodes": Lines(lambda: _nodes(ex, ids)),
        "output": ids[graph.output],
        "output_name": graph.output_name,
        "value": json_number(ex.output_value),
        "edges": Lines(lambda: _edges(ex, ids)),
        "gradient": {name: json_number(value) for name, value in ex.gradient.items()},
        "wrt": {chain.variable: _chain(ids, chain, ex.max_paths) for chain in ex.chains},
        "adjoints": _by_node(ids, ex.adjoints),
        "warnings": [
            {"code": d.code, "node": ids[d.node], "message": d.message} for d in ex.diagnostics
        ],
    }
    note = notation_note(graph)
    if note:  # the ids are not w1…wn, since the student's names look like them
        doc["notation_note"] = note
    if ex.graph.statements:
        from ..blocks_view import block_json  # a program with vectors: its blocks

        doc["blocks"] = block_json(ex)
    if ex.jacobian is not None or ex.product is not None:
        from ..jacobian_view import jacobian_json  # several outputs, or a seed

        doc.update(jacobian_json(ex))
    if ex.tangents:
        doc["tangents"] = {
            variable: _by_node(ids, sweep) for variable, sweep in ex.tangents.items()
        }
    if ex.checks:
        doc["check"] = {variable: _check(check) for variable, check in ex.checks.items()}
    if ex.exact:
        doc["exact"] = True
        doc["gradient_exact"] = {
            name: ex.arithmetic.exact_text(v) for name, v in ex.gradient.items()
        }
        # 2^1100 is exact here but "inf" as a JSON number: the exact text says what it is.
        doc["at_exact"] = {name: ex.arithmetic.exact_text(v) for name, v in ex.point.items()}
    return doc


def _by_node(ids: Sequence[str], values: Sequence[Value]) -> dict[str, int | float | str]:
    """``{"w1": 0.5, "w2": 1, ...}``: one value per node (adjoints, tangents), by node id."""
    return dict(zip(ids, map(json_number, values), strict=True))


def _nodes(ex: Explanation, ids: Sequence[str]) -> Iterator[str]:
    graph, values, exact_text = ex.graph, ex.values, ex.arithmetic.exact_text
    for node in graph.nodes:
        yield _node(graph, ids, node, values[node.index], exact_text)


def _edges(ex: Explanation, ids: Sequence[str]) -> Iterator[str]:
    exact_text = ex.arithmetic.exact_text
    for edge in ex.edges:
        yield _edge(ids, edge, exact_text)


# NOTE: nodes and edges, the bulk of a large document, are written as text directly rather
# than as dicts handed to the encoder: building 300 000 dicts and encoding them one by one
# was most of the time JSON took. Strings go through the encoder's own escaping function,
# and numbers through the same repr the encoder uses, so the text is what json would write.
_string = json.encoder.encode_basestring  # ensure_ascii=False, as _FLAT
ExactText = Callable[[Value], "str | None"]


def _number(value: Value) -> str:
    """A value as JSON writes it: an integer where exact, a float, or "inf"/"-inf"/"nan"."""
    number = json_number(value)
    return f'"{number}"' if isinstance(number, str) else repr(number)


def _exact(value: Value, exact_text: ExactText) -> str:
    """``, "exact": "1/3"`` after a value kept as a fraction (--exact); nothing for a float."""
    text = exact_text(value)
    return "" if text is None else f', "exact": {_string(text)}'


def _edge(ids: Sequence[str], edge: Edge, exact_text: ExactText) -> str:
    return (
        f'{{"from": {_string(ids[edge.source])}, "to": {_string(ids[edge.target])}, '
        f'"arg": {edge.position}, "partial": {_string(edge.formula)}, '
        f'"value": {_number(edge.value)}{_exact(edge.value, exact_text)}, '
        f'"nondifferentiable": {"true" if edge.nondifferentiable else "false"}}}'
    )


def _check(check: CrossCheck) -> dict[str, Any]:
    return {
        "path_sum": None if check.path_sum is None else json_number(check.path_sum),
        "reverse": json_number(check.reverse),
        "forward": json_number(check.forward),
        "finite_difference": (
            None if check.finite_difference is None else json_number(check.finite_difference)
        ),
        "step": json_number(check.step),
        "agree": check.agree,
        "exact_agree": check.exact_agree,
        "kinks": list(check.kinks),
        "note": check.note,
    }


def _node(graph: Graph, ids: Sequence[str], node: Node, value: Value, exact_text: ExactText) -> str:
    span = f"[{node.span.start}, {node.span.end}]"
    if node.kind == "input":
        assert node.name is not None, "an input is a named variable"
        return (
            f'{{"id": {_string(node.id)}, "kind": "input", "name": {_string(node.name)}, '
            f'"value": {_number(value)}{_exact(value, exact_text)}, "span": {span}}}'
        )
    # Only a program's intermediates (a = x*x) are named.
    named = "" if node.name is None else f'"name": {_string(node.name)}, '
    args = ", ".join(
        _number(arg.value) if isinstance(arg, Constant) else _string(ids[arg]) for arg in node.args
    )
    # With --exact, a constant operand kept as a fraction (1/3) is a rounded float in
    # "args"; "args_exact" says what it is, as "exact" does beside a value (null for a node).
    exact_args = [exact_text(arg.value) if isinstance(arg, Constant) else None for arg in node.args]
    if any(text is not None for text in exact_args):
        listed = ", ".join("null" if text is None else _string(text) for text in exact_args)
        args += f'], "args_exact": [{listed}'
    source = graph.source_excerpt(node, SOURCE_LIMIT)
    assert node.op is not None, "an operation node has an op"
    return (
        f'{{"id": {_string(node.id)}, "kind": "op", {named}"op": {_string(node.op)}, '
        f'"args": [{args}], "formula": {_string(node.formula)}, "source": {_string(source)}, '
        f'"span": {span}, "value": {_number(value)}{_exact(value, exact_text)}}}'
    )


SOURCE_LIMIT = 200
"""Longer sources are cut in the middle: a deep expression would otherwise repeat its whole
text at every level, and JSON would grow with the square of the input. ``span`` is exact."""


def _chain(ids: Sequence[str], chain: ChainRule, max_paths: int) -> dict[str, Any]:
    # NOTE: listed paths (up to 100 000 steps in all) are written as lines of text, as
    # nodes and edges are: each path is a flat object anyway, and checking that it is,
    # element by element, took longer than encoding it. No paths stay a plain [].
    paths: Lines | list[Any] = []
    if chain.paths:
        paths = Lines(lambda: (_flat(_path(ids, path)) for path in chain.paths))
    return {
        "node": ids[chain.node],
        "gradient": json_number(chain.gradient),
        "path_count": json_count(chain.path_count),
        "paths": paths,
        "paths_listed": len(chain.paths),
        "paths_unlisted": json_count(chain.unlisted),
        "max_paths": max_paths,
    }


def _path(ids: Sequence[str], path: Path) -> dict[str, Any]:
    return {
        "nodes": [ids[n] for n in path.nodes],
        "args": list(path.positions),
        "factors": [json_number(f) for f in path.factors],
        "product": json_number(path.product),
    }
