"""How the Jacobian and a seeded product are shown: the forward sweeps column by column,
the reverse sweeps row by row, the matrix, and the sweep counts; JSON's ``jacobian`` and
``product``. What they hold is computed in ``jacobian.py``."""

from __future__ import annotations

from typing import Any

from ..explain import Explanation
from ..jacobian import Jacobian, Product, describe_output
from ..numbers import Value, format_number, json_number
from .view import Lines, TableView

SHOWN = 12
"""Entries of a row or column written out; past that the first and last few."""


def jacobian_view(ex: Explanation, digits: int) -> list[TableView | Lines]:
    view: list[TableView | Lines] = []
    if ex.jacobian is not None:
        view += _jacobian(ex, ex.jacobian, digits)
    elif ex.graph.outputs:
        view.append(
            Lines(("The Jacobian is left out: it would take more sweeps than it is worth here.",))
        )
    if ex.product is not None:
        view.append(Lines(tuple(_product(ex, ex.product, digits)), style="bold"))
    return view


def _name(ex: Explanation, node: int) -> str:
    found = ex.graph.nodes[node]
    return found.name or found.id


def _vector(values: tuple[Value, ...], digits: int) -> str:
    texts = [format_number(value, digits) for value in values]
    if len(texts) > SHOWN:
        half = SHOWN // 2
        texts = [*texts[:half], "…", *texts[-half:]]
    return "[" + ", ".join(texts) + "]"


def _jacobian(ex: Explanation, jac: Jacobian, digits: int) -> list[TableView | Lines]:
    outputs = [_name(ex, o) for o in jac.outputs]
    inputs = [_name(ex, i) for i in jac.inputs]
    forward = TableView(
        f"Forward mode, column by column: one sweep per input ({jac.forward_sweeps} sweeps)",
        ("sweep", "seed", "column: ∂(outputs)/∂(input)"),
        tuple(
            (str(k + 1), f"tangent 1 on {name}", _vector(column, digits))
            for k, (name, column) in enumerate(zip(inputs, jac.columns, strict=True))
        ),
        (True, False, False),
    )
    reverse = TableView(
        f"Reverse mode, row by row: one sweep per output ({jac.reverse_sweeps} sweeps)",
        ("sweep", "seed", "row: ∂(output)/∂(inputs)"),
        tuple(
            (str(k + 1), f"cotangent 1 on {name}", _vector(row, digits))
            for k, (name, row) in enumerate(zip(outputs, jac.rows, strict=True))
        ),
        (True, False, False),
    )
    shown = inputs if len(inputs) <= SHOWN else inputs[:SHOWN]
    matrix = TableView(
        f"Jacobian: {describe_output(ex.graph)}, by {len(inputs)} variables",
        ("", *shown),
        tuple(
            (name, *(format_number(value, digits) for value in row[: len(shown)]))
            for name, row in zip(outputs, jac.rows, strict=True)
        ),
        (False, *([True] * len(shown))),
        notes=(f"(the first {SHOWN} of {len(inputs)} columns)",)
        if len(shown) < len(inputs)
        else (),
    )
    agree = "both give this matrix ✓" if jac.agree else "they do NOT agree"
    cheaper = (
        "reverse mode is cheaper here"
        if jac.reverse_sweeps < jac.forward_sweeps
        else "forward mode is cheaper here"
        if jac.forward_sweeps < jac.reverse_sweeps
        else "the two cost the same here"
    )
    summary = Lines(
        (
            f"Sweeps: forward mode {jac.forward_sweeps} (one per input), reverse mode "
            f"{jac.reverse_sweeps} (one per output): {cheaper}; {agree}. A loss has one "
            "output, so one reverse sweep gives its whole gradient: that is why machine "
            "learning runs in reverse.",
        )
    )
    return [forward, reverse, matrix, summary]


def _product(ex: Explanation, product: Product, digits: int) -> list[str]:
    seed = ", ".join(f"{_name(ex, n)} = {format_number(v, digits)}" for n, v in product.seed)
    values = ", ".join(
        f"{_name(ex, n)}: {format_number(v, digits)}"
        for n, v in zip(product.nodes, product.values, strict=True)
    )
    if product.kind == "jvp":
        return [
            f"Jacobian-vector product J v, one forward sweep with the tangent {seed}",
            f"  J v = {values}",
        ]
    return [
        f"Vector-Jacobian product uᵀ J, one reverse sweep with the cotangent {seed}",
        f"  uᵀ J = {values}",
    ]


def jacobian_json(ex: Explanation) -> dict[str, Any]:
    """JSON's ``jacobian`` and ``product`` entries, where the explanation has them."""
    ids = [node.id for node in ex.graph.nodes]
    doc: dict[str, Any] = {}
    jac = ex.jacobian
    if jac is not None:
        doc["jacobian"] = {
            "outputs": [ids[o] for o in jac.outputs],
            "output_names": [_name(ex, o) for o in jac.outputs],
            "inputs": [_name(ex, i) for i in jac.inputs],
            "matrix": [[json_number(v) for v in row] for row in jac.rows],
            "forward_sweeps": jac.forward_sweeps,
            "reverse_sweeps": jac.reverse_sweeps,
            "agree": jac.agree,
        }
    product = ex.product
    if product is not None:
        doc["product"] = {
            "kind": product.kind,
            "seed": {_name(ex, n): json_number(v) for n, v in product.seed},
            "values": {
                _name(ex, n): json_number(v)
                for n, v in zip(product.nodes, product.values, strict=True)
            },
        }
    return doc
