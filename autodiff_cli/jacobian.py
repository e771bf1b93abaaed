"""Several outputs: the Jacobian, built both ways, and products with a seed.

A function with m outputs and n inputs has an m×n Jacobian J. Forward mode builds it
column by column: one forward sweep per input, seeded with ẋⱼ = 1, gives ∂y/∂xⱼ for every
output at once. Reverse mode builds it row by row: one reverse sweep per output, seeded
with ȳᵢ = 1, gives ∂yᵢ/∂x for every input at once. So forward mode costs n sweeps and
reverse mode m; a loss has m = 1, which is why machine learning runs in reverse.

A seed asks for one sweep only: a tangent v on the inputs gives J v (a Jacobian-vector
product, one forward sweep), a cotangent u on the outputs gives uᵀ J (a vector-Jacobian
product, one reverse sweep). Both are the generic passes of ``passes.py``, seeded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

from .arithmetic import Arithmetic
from .errors import AdexplainError
from .graph import Graph
from .numbers import Value
from .passes import Edge, adjoints, tangents
from .tensor import describe, grouped, parse_element_name

MAX_SWEEPS = 2_000
"""Each way takes one sweep per input or output: past this many, the Jacobian is left out
(one reverse sweep of the 64-64-1 network is cheap; 4 225 forward sweeps of it are not)."""


class Jacobian(NamedTuple):
    outputs: tuple[int, ...]
    """The output nodes, the rows."""
    inputs: tuple[int, ...]
    """The variables' nodes, the columns."""
    columns: tuple[tuple[Value, ...], ...]
    """Per input, ∂y/∂xⱼ for every output: one forward sweep each."""
    rows: tuple[tuple[Value, ...], ...]
    """Per output, ∂yᵢ/∂x for every input: one reverse sweep each."""

    @property
    def forward_sweeps(self) -> int:
        return len(self.inputs)

    @property
    def reverse_sweeps(self) -> int:
        return len(self.outputs)

    @property
    def agree(self) -> bool:
        """Whether the two ways give the same matrix (to rounding)."""
        return all(
            _close(self.rows[i][j], self.columns[j][i])
            for i in range(len(self.outputs))
            for j in range(len(self.inputs))
        )


class Product(NamedTuple):
    """One seeded sweep: J v (forward, ``kind="jvp"``) or uᵀ J (reverse, ``"vjp"``)."""

    kind: Literal["jvp", "vjp"]
    seed: tuple[tuple[int, Value], ...]
    """(node, its tangent or cotangent) for every seeded node."""
    nodes: tuple[int, ...]
    """What the product is given for: the outputs (J v) or the variables (uᵀ J)."""
    values: tuple[Value, ...]


def outputs_of(graph: Graph) -> tuple[int, ...]:
    return graph.outputs or (graph.output,)


def jacobian(
    graph: Graph, edges: Sequence[Edge], inputs: Sequence[int], arithmetic: Arithmetic
) -> Jacobian | None:
    """The Jacobian both ways; None when one way would take more than MAX_SWEEPS sweeps."""
    outputs = outputs_of(graph)
    if len(inputs) > MAX_SWEEPS or len(outputs) > MAX_SWEEPS:
        return None
    columns = []
    for node in inputs:
        sweep = tangents(graph, edges, node, arithmetic)
        columns.append(tuple(sweep[o] for o in outputs))
    rows = []
    for node in outputs:
        sweep = adjoints(graph, edges, arithmetic, {node: arithmetic.one})
        rows.append(tuple(sweep[i] for i in inputs))
    return Jacobian(outputs, tuple(inputs), tuple(columns), tuple(rows))


def product(
    graph: Graph,
    edges: Sequence[Edge],
    seed: Mapping[str, Value],
    inputs: Sequence[int],
    arithmetic: Arithmetic,
) -> Product:
    """The sweep a seed asks for. Its names are either the output's (``y[1]``, …, a
    cotangent: uᵀ J) or inputs' (a tangent: J v); elements not named are 0."""
    outputs = outputs_of(graph)
    output_names = {graph.nodes[o].name or "": o for o in outputs}
    input_names = {node.name: node.index for node in graph.inputs if node.name is not None}
    _check_seed_shapes(graph, list(seed), list(input_names))
    on_outputs = [name for name in seed if name in output_names or _is_output(graph, name)]
    if on_outputs and len(on_outputs) == len(seed):
        nodes = {_node(output_names, name, "output", graph): value for name, value in seed.items()}
        sweep = adjoints(graph, edges, arithmetic, nodes)
        return Product("vjp", tuple(nodes.items()), tuple(inputs), tuple(sweep[i] for i in inputs))
    if on_outputs:
        raise AdexplainError(
            "a seed is on the outputs (a cotangent, for uᵀ J) or on inputs (a tangent, for "
            f"J v), not both: {', '.join(on_outputs)} are outputs",
            code="bad-seed",
        )
    nodes = {_node(input_names, name, "input", graph): value for name, value in seed.items()}
    sweep = tangents(graph, edges, nodes, arithmetic)
    return Product("jvp", tuple(nodes.items()), outputs, tuple(sweep[o] for o in outputs))


def _check_seed_shapes(graph: Graph, seeded: list[str], inputs: list[str]) -> None:
    """A seed written whole (``Z=[1,0,3]``) must have the shape of what it seeds: checked
    first, as its extra element would otherwise read as a name of neither side."""
    known: dict[str, tuple[int, ...]] = {name: () for name in inputs if "[" not in name}
    known.update(grouped(inputs))
    base, shape = output_shape(graph)
    known[base] = shape
    for name, given in grouped(seeded).items():
        wanted = known.get(name)
        if wanted is None or wanted == given:
            continue
        has = f"has {given[0]}" if len(given) == len(wanted) == 1 else f"is {describe(given)}"
        raise AdexplainError(
            f"--seed {name}: {name} is {describe(wanted)}; the seed {has}", code="bad-seed"
        )


def _is_output(graph: Graph, name: str) -> bool:
    return name in (OUTPUT, graph.output_name, graph.nodes[graph.output].name)


OUTPUT = "Z"


def _node(known: Mapping[str, int], name: str, what: str, graph: Graph) -> int:
    if name in known:
        return known[name]
    if name == OUTPUT and what == "output" and len(known) == 1:
        return next(iter(known.values()))
    from .scope import suggestion

    raise AdexplainError(
        f"--seed names {name!r}, which is not an {what} element" + suggestion(name, known),
        code="bad-seed",
    )


def output_shape(graph: Graph) -> tuple[str, tuple[int, ...]]:
    """The output's name and shape: ``("y", (3,))``; ``("Z", ())`` for one number."""
    names = [graph.nodes[o].name or "" for o in outputs_of(graph)]
    shapes = grouped(names)
    if len(shapes) == 1 and len(names) > 1:
        ((base, shape),) = shapes.items()
        return base, shape
    parsed = parse_element_name(names[0])
    return (names[0] if names[0] and parsed is None else OUTPUT), ()


def describe_output(graph: Graph) -> str:
    name, shape = output_shape(graph)
    return f"{name} is {describe(shape)}" if shape else f"{name} is a scalar"


def _close(a: Value, b: Value) -> bool:
    if a == b:
        return True
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    except (OverflowError, ValueError):
        return False
