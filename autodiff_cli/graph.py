"""The computational graph: nodes w1…wn, numbered as a textbook numbers them.

Numbering rules (see SPEC.md, "Numbering and the graph"):

- inputs first, w1…wk, in the order the user gave their values;
- then operations in evaluation order (post-order, left to right), statement
  after statement in a program;
- constants are not nodes: a subexpression without variables is folded into a
  :class:`Constant` that stays inside the formula of the node using it;
- each occurrence of an operation is its own node; a variable, and a named
  intermediate of a program, is one node however often it is used.

The graph knows structure only; values at a point come from the passes.

:func:`build` walks each statement once (``walk.post_order``, iterative) and asks
three pieces, each with little state: ``scope.Scope`` what a name means (an input, an
earlier statement, or a mistake to explain), ``fold.Folder`` what a constant is, and
:class:`Numbering` for the next node. Kept apart, the folder also serves as the
evaluator of ``--at`` values (``fold.fold_constant``) without a mode of the builder,
and only the numbering holds the growing node list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from . import tensor
from .arithmetic import FLOAT, Arithmetic
from .errors import AdexplainError, Span
from .fold import Constant, Folder, all_constant, fold_constant
from .formula import ATOM
from .notation import Notation, NotationStyle, free_letter
from .numbers import format_number
from .ops import OPS, Op, Operand
from .scope import Scope, operation, suggestion
from .syntax import Call, Expr, Name, Operator, Program, Statement
from .tensor import Tensor, element_name, indices, shape_of
from .vector_ops import Lowering, is_vector, lower
from .walk import post_order

__all__ = [
    "Arg",
    "Constant",
    "Diagnostic",
    "Graph",
    "Node",
    "Numbering",
    "build",
    "constant_operand",
    "fold_constant",
    "operands",
    "suggestion",
]


Arg = int | Constant
"""An argument of an operation: the index of a node, or a constant."""


class Node(NamedTuple):
    """One node of the graph. NOTE: a named tuple, like every record made once per node or
    edge (immutable, and four times faster to make than a frozen dataclass)."""

    index: int  # type: ignore[assignment]  # the node's position; it hides tuple.index
    id: str
    """``w3``, or ``v₀`` in the survey's notation."""
    kind: Literal["input", "op"]
    name: str | None
    """The variable's name for an input; the intermediate's name for a program's ``a = ...``."""
    op: str | None
    """The operation's key in ``ops.OPS``, for operations."""
    args: tuple[Arg, ...]
    formula: str
    """The node's expression in terms of other nodes: ``w2 * w3``, ``max(0, w6)``."""
    span: Span
    """Where the node came from in the source text (for an input, its first use)."""

    @property
    def operation(self) -> Op:
        assert self.op is not None, "inputs have no operation"
        return OPS[self.op]


class Diagnostic(NamedTuple):
    """Something a learner should know about a node: a kink, an overflow, an unused name."""

    code: str
    node: int
    message: str


@dataclass(frozen=True, slots=True)
class Graph:
    source: str
    nodes: tuple[Node, ...]
    input_count: int
    output: int
    """Z: the node of the last statement."""
    notation: Notation
    diagnostics: tuple[Diagnostic, ...] = ()
    """What building found worth a warning (a named intermediate never used)."""
    output_name: str = "Z"
    """The output's name in every label: the last statement's name (``loss``), or Z for a
    bare expression, or another letter where Z is a name of the program."""
    outputs: tuple[int, ...] = ()
    """Every element of a vector output, row by row (``output`` is the first); empty when
    the output is one number."""
    statements: tuple[tensor.Statement, ...] = ()
    """The program's statements as blocks (their shapes and elements), kept when the program
    has vectors or matrices: the blocks view regroups the nodes by them."""
    _input_indices: dict[str, int] = field(init=False, repr=False, compare=False)
    """Made once: callers ask for every variable, and 4 000 variables made a scan quadratic."""

    def __post_init__(self) -> None:
        indices = {node.name: node.index for node in self.inputs if node.name is not None}
        object.__setattr__(self, "_input_indices", indices)  # frozen: set once, here

    @property
    def inputs(self) -> tuple[Node, ...]:
        return self.nodes[: self.input_count]

    def id(self, index: int) -> str:
        return self.nodes[index].id

    def input_index(self, name: str) -> int | None:
        return self._input_indices.get(name)

    def source_of(self, node: Node) -> str:
        return self.source[node.span.start : node.span.end]

    def source_excerpt(self, node: Node, limit: int) -> str:
        """The node's source, cut in the middle past ``limit`` characters.

        It slices only what it keeps: the root of a deep expression spans the whole
        text, and copying that for every node would cost the square of its length.
        """
        start, end = node.span.start, node.span.end
        if end - start <= limit:
            return self.source[start:end]
        half = (limit - 1) // 2
        return self.source[start : start + half] + "…" + self.source[end - half : end]


def build(
    program: Program,
    source: str,
    input_names: Sequence[str],
    notation: NotationStyle = "w",
    *,
    arithmetic: Arithmetic = FLOAT,
) -> Graph:
    """Number the program's operations after the inputs, folding constant subexpressions.

    Raises AdexplainError for an unknown name or function, a wrong number of
    arguments, a constant outside a function's domain, a name defined twice or
    used before its definition, an input given a value but never used, and a
    program whose output has no variable at all.
    """
    scope = Scope(source, input_names, program)
    names = [*input_names, *(statement.name for statement in program if statement.name)]
    names += list(tensor.grouped(input_names))  # w2 of w2[1] looks like node w2 as well
    numbering = Numbering(source, input_names, notation, free_letter(names))
    # No '[' in the text, no array literal: the walk is only for text that may have one.
    vectors = bool(scope.tensors) or ("[" in source and _writes_an_array(program))
    builder = _Builder(scope, Folder(source, arithmetic), numbering, vectors)
    result: Arg | Tensor = Constant(0.0, "0")
    for position, statement in enumerate(program):
        result = builder.statement(statement, last=position == len(program) - 1)
    outputs = _outputs(result, source, program[-1])
    output = outputs[0]
    if isinstance(output, Constant):
        raise AdexplainError(
            f"the output has no variables (it is the constant {format_number(output.value)}), "
            "so there is nothing to differentiate",
            code="no-variables",
            text=source,
            span=program[-1].span,
        )
    scope.check_inputs_used(numbering.first_use)
    # A vector output's labels name its first element, which the tables are for: ∂y[1]/∂x.
    last = program[-1].name if len(outputs) == 1 else numbering.nodes[output].name
    graph = numbering.finish(output, scope.unused_intermediates(output), last)
    if len(outputs) > 1:
        nodes = tuple(o for o in outputs if isinstance(o, int))  # constants were refused
        graph = dataclasses.replace(graph, outputs=nodes)
    return graph


def _outputs(result: Arg | Tensor, source: str, last: Statement) -> tuple[Arg, ...]:
    """The output's elements: one, or a vector's (a function with several outputs, whose
    Jacobian the tool shows). Every element of a vector output must depend on a variable."""
    if not isinstance(result, Tensor) or result.size == 1:
        return (result.elements[0],) if isinstance(result, Tensor) else (result,)
    for index, element in zip(indices(result.shape), result.elements, strict=True):
        if isinstance(element, Constant):
            raise AdexplainError(
                f"element {element_name(last.name or 'Z', index)} of the output is the "
                f"constant {format_number(element.value)}, so it has no derivative to show",
                code="no-variables",
                text=source,
                span=last.span,
            )
    return result.elements


OUTPUT_NAMES = ("Z", "f", "F", "out")
"""The output's name when the last statement has none, the first that is free."""


def output_name(nodes: Sequence[Node], output: int, last: str | None) -> str:
    """What the labels call the output: ``∂loss/∂w`` for ``loss = ...``, ``∂Z/∂w`` for a bare
    expression; never a name that means something else here (``Z*x`` with a variable Z)."""
    ids = {node.id for node in nodes}
    taken = ids | {node.name for node in nodes if node.name}
    # `loss = h1` names no node of its own: the output is h1's node, and keeps Z.
    if last is not None and last == nodes[output].name and last not in ids:
        return last
    free = (candidate for candidate in OUTPUT_NAMES if candidate not in taken)
    return next(free, "Z₀")


def _writes_an_array(program: Sequence[Statement]) -> bool:
    """An array literal anywhere (``tanh([a, b] * 2)``): a program of scalar inputs that makes
    vectors of its own. Walked with an explicit stack, as deep input must not recurse."""
    stack: list[Expr] = [statement.expr for statement in program]
    while stack:
        expr = stack.pop()
        if isinstance(expr, Operator) and expr.op == "array":
            return True
        if isinstance(expr, (Operator, Call)):
            stack.extend(expr.args)
    return False


@dataclass(frozen=True, slots=True)
class _Builder:
    """The steps of the walk: each asks the scope what a name means, the folder what a
    constant is, or the numbering for a new node. It keeps nothing of its own."""

    scope: Scope
    folder: Folder
    numbering: Numbering
    vectors: bool
    """Whether the program has vectors, so its statements are kept as blocks."""

    def statement(self, statement: Statement, *, last: bool) -> Arg | Tensor:
        if statement.name is None and not last:
            raise AdexplainError(
                "only the last statement may be a bare expression (it is the output); "
                "name this one, as in a = ...",
                code="unnamed-statement",
                text=self.folder.source,
                span=statement.span,
            )
        created_before = len(self.numbering.nodes)
        self.numbering.steps = [] if self.vectors else None
        root = post_order(statement.expr, self.folder.number, self.name, self.apply)
        self.numbering.keep(statement, root)
        if last and statement.name is None and isinstance(root, Tensor):
            # A vector output without a name: its elements are Z[1], Z[2], ... (Z is the
            # output's name, as for one number).
            self._name_elements(root, statement._replace(name="Z"), created_before)
        if statement.name is not None:
            if isinstance(root, Tensor):
                self._name_elements(root, statement, created_before)
            elif isinstance(root, int) and root >= created_before:
                self.numbering.name(root, statement.name, statement.span)
            self.scope.define(statement.name, root)
        return root

    def _name_elements(self, root: Tensor, statement: Statement, created_before: int) -> None:
        """``h = tanh(W @ x + b)``: the elements this statement made are ``h[1]``, ``h[2]``…"""
        assert statement.name is not None
        named: set[int] = set()
        for index, element in zip(indices(root.shape), root.elements, strict=True):
            if isinstance(element, int) and element >= created_before and element not in named:
                named.add(element)
                self.numbering.name(element, element_name(statement.name, index), statement.span)

    def name(self, expr: Name) -> Arg | Tensor:
        index = self.scope.inputs.get(expr.name)
        if index is not None:
            return self.numbering.input(index, expr.span)
        tensor = self.scope.tensors.get(expr.name)
        if tensor is not None:
            for element in tensor.elements:
                self.numbering.input(element, expr.span)  # type: ignore[arg-type]
            return tensor
        meaning = self.scope.intermediate(expr)
        if meaning is not None:
            return meaning
        constant = self.folder.named(expr)
        if constant is None:
            raise self.scope.unknown(expr)
        return constant

    def apply(self, expr: Operator | Call, args: tuple[Arg | Tensor, ...]) -> Arg | Tensor:
        result: Arg | Tensor
        if is_vector(expr, args):
            result = lower(Lowering(self.folder.source, self.emit), expr, args)
        else:
            op = operation(expr, self.folder.source)
            if all_constant(args):  # type: ignore[arg-type]
                result = self.folder.apply(op, expr, args)
            else:
                result = self.numbering.operation(op, args, expr.span)  # type: ignore[arg-type]
        steps = self.numbering.steps
        if steps is not None:
            steps.append(tensor.Step(expr, tuple(map(shape_of, args)), shape_of(result)))
        return result

    def emit(self, op: Op, args: tuple[Arg, ...], span: Span) -> Arg:
        """One scalar node of a vector operation, or the constant it folds to."""
        if all_constant(args):
            return self.folder.apply_values(op, args, span)
        if len(self.numbering.nodes) >= tensor.MAX_NODES:
            raise AdexplainError(
                f"the vector operations here make more than {tensor.MAX_NODES:,} nodes, "
                "more than a graph to read or a machine to hold; use smaller vectors",
                code="too-large",
                text=self.folder.source,
                span=span,
            )
        return self.numbering.operation(op, args, span)


class Numbering:
    """The nodes in the order the walk makes them: inputs first, then each operation.

    What changes as the walk goes on is the node list, each input's first use (its
    span in the graph) and the overflow notes; :meth:`finish` makes them a Graph.
    """

    __slots__ = ("first_use", "nodes", "notation", "notes", "source", "statements", "steps")

    def __init__(
        self,
        source: str,
        input_names: Sequence[str],
        style: NotationStyle,
        letter: str = "w",
    ) -> None:
        self.source = source
        self.notation = Notation(style, len(input_names), letter)
        # Inputs are numbered first; each span is set to its first use in finish().
        self.nodes: list[Node] = [
            Node(i, self.notation.id(i), "input", name, None, (), name, Span(0, 0))
            for i, name in enumerate(input_names)
        ]
        self.first_use: dict[int, Span] = {}
        self.notes: list[Diagnostic] = []
        self.statements: list[tensor.Statement] = []
        self.steps: list[tensor.Step] | None = None
        """The current statement's operations, while a program with vectors is built."""

    def keep(self, statement: Statement, root: Arg | Tensor) -> None:
        """The statement just built, as a block, when the program has vectors."""
        if self.steps is None:
            return
        elements = root.elements if isinstance(root, Tensor) else (root,)
        self.statements.append(
            tensor.Statement(
                statement.name,
                statement.span,
                shape_of(root),
                elements,
                statement.expr,
                tuple(self.steps),
            )
        )

    def input(self, index: int, span: Span) -> int:
        """Input ``index``, used at ``span``: the first use is where the graph shows it."""
        self.first_use.setdefault(index, span)
        return index

    def operation(self, op: Op, args: tuple[Arg, ...], span: Span) -> int:
        """A new node applying ``op`` to ``args``; its index."""
        index = len(self.nodes)
        node = Node(
            index,
            self.notation.id(index),
            "op",
            None,
            op.name,
            args,
            op.formula([self._operand(arg) for arg in args]),
            span,
        )
        self.nodes.append(node)
        for arg in args:
            if arg.__class__ is Constant and arg.overflowed:
                message = f"{node.id}: the constant {arg.text} overflows a float, so it is inf"
                self.notes.append(Diagnostic("overflow", index, message))
            elif arg.__class__ is Constant and arg.underflowed:
                message = f"{node.id}: the constant {arg.text} is too small for a float, so it is 0"
                self.notes.append(Diagnostic("underflow", index, message))
        return index

    def _operand(self, arg: Arg) -> Operand:
        if isinstance(arg, int):
            return Operand(self.nodes[arg].id)
        return constant_operand(arg)

    def name(self, index: int, name: str, span: Span) -> None:
        """The statement ``name = ...`` made node ``index``: it carries the name, and its
        source is the whole statement (``a1 = x*x``)."""
        self.nodes[index] = self.nodes[index]._replace(name=name, span=span)

    def finish(
        self, output: int, unused: Iterable[tuple[str, int]], last: str | None = None
    ) -> Graph:
        """The graph, with ``unused`` (named nodes no statement uses) among its warnings;
        ``last`` is the last statement's name, if it has one.

        Every input must have been used (the scope checks it first)."""
        for index in range(self.notation.input_count):
            self.nodes[index] = self.nodes[index]._replace(span=self.first_use[index])
        unused_notes = [
            Diagnostic(
                "unused-name",
                index,
                f"{name} ({self.nodes[index].id}) is computed but never used, "
                "so no path from Z reaches it",
            )
            for name, index in unused
        ]
        return Graph(
            self.source,
            tuple(self.nodes),
            self.notation.input_count,
            output,
            self.notation,
            (*self.notes, *unused_notes, *self._confusing_names()),
            output_name(self.nodes, output, last),
            statements=tuple(self.statements),
        )

    def _confusing_names(self) -> list[Diagnostic]:
        """A variable called w2 that is node w1 makes every table misleading: say so."""
        notes = []
        ids = {node.id for node in self.nodes}
        for node in self.nodes:
            if node.name is not None and node.name in ids and node.name != node.id:
                notes.append(
                    Diagnostic(
                        "confusing-name",
                        node.index,
                        f"the name {node.name} is node {node.id}, not node {node.name}; "
                        "rename it, or leave out --notation v: the w notation picks a "
                        "letter no name uses",
                    )
                )
        return notes


def constant_operand(constant: Constant) -> Operand:
    """A constant as formulas write it: its text, in parentheses unless it is an atom."""
    text = constant.text if constant.binds >= ATOM else f"({constant.text})"
    return Operand(text, constant.value)


def operands(graph: Graph, node: Node) -> list[Operand]:
    """The node's arguments as its formulas write them."""
    return [
        Operand(graph.id(arg)) if isinstance(arg, int) else constant_operand(arg)
        for arg in node.args
    ]
