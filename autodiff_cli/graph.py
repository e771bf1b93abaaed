"""The computational graph: nodes w1…wn, numbered as a textbook numbers them.

Numbering rules (see SPEC.md, "Numbering and the graph"):

- inputs first, w1…wk, in the order the user gave their values;
- then operations in evaluation order (post-order, left to right);
- constants are not nodes: a subexpression without variables is folded into a
  :class:`Constant` that stays inside the formula of the node using it;
- each occurrence of an operation is its own node; a variable is one node
  however often it is used.

The graph knows structure only; values at a point come from the passes.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .errors import AdexplainError, Span
from .numbers import format_number
from .ops import CONSTANTS, FUNCTIONS, OPS, Op, Operand
from .syntax import Call, Expr, Name, Number, Operator


@dataclass(frozen=True, slots=True)
class Constant:
    """A folded constant: its value and the text it was written as (``0``, ``pi/2``)."""

    value: float
    text: str


Arg = int | Constant
"""An argument of an operation: the index of a node, or a constant."""


@dataclass(frozen=True, slots=True)
class Node:
    index: int
    kind: Literal["input", "op"]
    name: str | None
    """The variable's name, for inputs."""
    op: str | None
    """The operation's key in ``ops.OPS``, for operations."""
    args: tuple[Arg, ...]
    formula: str
    """The node's expression in terms of other nodes: ``w2 * w3``, ``max(0, w6)``."""
    span: Span
    """Where the node came from in the source text (for an input, its first use)."""

    @property
    def id(self) -> str:
        return node_id(self.index)

    @property
    def operation(self) -> Op:
        assert self.op is not None, "inputs have no operation"
        return OPS[self.op]


def node_id(index: int) -> str:
    return f"w{index + 1}"


@dataclass(frozen=True, slots=True)
class Graph:
    source: str
    nodes: tuple[Node, ...]
    input_count: int

    @property
    def output(self) -> int:
        """Z is the last node: post-order puts the root of the expression last."""
        return len(self.nodes) - 1

    @property
    def inputs(self) -> tuple[Node, ...]:
        return self.nodes[: self.input_count]

    def input_index(self, name: str) -> int | None:
        for node in self.inputs:
            if node.name == name:
                return node.index
        return None

    def source_of(self, node: Node) -> str:
        return self.source[node.span.start : node.span.end]


def build(tree: Expr, source: str, input_names: Sequence[str]) -> Graph:
    """Number the tree's operations after the inputs, folding constant subexpressions.

    Raises AdexplainError for an unknown name or function, a wrong number of
    arguments, a constant outside a function's domain, an input given a value
    but never used, and an expression with no variable at all.
    """
    builder = _Builder(source, input_names)
    root = builder.walk(tree)
    if isinstance(root, Constant):
        raise AdexplainError(
            f"the expression has no variables (it is the constant {format_number(root.value)}), "
            "so there is nothing to differentiate",
            code="no-variables",
            text=source,
            span=tree.span,
        )
    builder.check_all_inputs_used()
    return Graph(source, tuple(builder.nodes), len(input_names))


def fold_constant(tree: Expr, source: str) -> float:
    """The value of an expression without variables (``pi/2``, ``-e^2``)."""
    root = _Builder(source, (), constant_only=True).walk(tree)
    assert isinstance(root, Constant), "with no inputs every name is a constant or an error"
    return root.value


class _Builder:
    def __init__(
        self, source: str, input_names: Sequence[str], *, constant_only: bool = False
    ) -> None:
        self.source = source
        self.constant_only = constant_only
        self.input_names = list(input_names)
        self.input_index = {name: i for i, name in enumerate(input_names)}
        self.first_use: dict[int, Span] = {}
        self.nodes: list[Node] = []

    def walk(self, tree: Expr) -> Arg:
        """Post-order, left to right, with an explicit stack: deep nesting is not recursion."""
        results: list[Arg] = []
        stack: list[tuple[Expr, bool]] = [(tree, False)]
        while stack:
            expr, children_done = stack.pop()
            if isinstance(expr, Number):
                results.append(self._number(expr))
            elif isinstance(expr, Name):
                results.append(self._name(expr))
            elif not children_done:
                stack.append((expr, True))
                stack.extend((arg, False) for arg in reversed(expr.args))
            else:
                count = len(expr.args)
                args = tuple(results[len(results) - count :])
                del results[len(results) - count :]
                results.append(self._apply(expr, args))
        (root,) = results
        return root

    def _number(self, expr: Number) -> Constant:
        if not math.isfinite(expr.value):
            raise AdexplainError(
                f"the number {expr.text} is too large for a float",
                code="number-too-large",
                text=self.source,
                span=expr.span,
            )
        return Constant(expr.value, expr.text)

    def _name(self, expr: Name) -> Arg:
        index = self.input_index.get(expr.name)
        if index is not None:
            self.first_use.setdefault(index, expr.span)
            return index
        if expr.name in CONSTANTS:
            return Constant(CONSTANTS[expr.name], expr.name)
        raise self._unknown_name(expr)

    def _unknown_name(self, expr: Name) -> AdexplainError:
        if expr.name in FUNCTIONS:
            message = f"{expr.name} is a function: write {expr.name}(...)"
        elif self.constant_only:
            close = suggestion(expr.name, list(CONSTANTS))
            message = (
                f"a value must be a constant such as 2, -1/3 or pi/2; {expr.name!r} is not{close}"
            )
        else:
            close = suggestion(expr.name, [*self.input_names, *CONSTANTS])
            message = f"no value given for {expr.name!r}{close}: add one, as in --at {expr.name}=1"
        return AdexplainError(message, code="unknown-name", text=self.source, span=expr.span)

    def _apply(self, expr: Operator | Call, args: tuple[Arg, ...]) -> Arg:
        op = self._resolve(expr)
        if all(isinstance(arg, Constant) for arg in args):
            return self._fold(op, expr, args)
        operands = [operand(arg) for arg in args]
        self._ensure_inputs()
        node = Node(
            index=len(self.nodes),
            kind="op",
            name=None,
            op=op.name,
            args=args,
            formula=op.formula(operands),
            span=expr.span,
        )
        self.nodes.append(node)
        return node.index

    def _resolve(self, expr: Operator | Call) -> Op:
        if isinstance(expr, Operator):
            return OPS[expr.op]
        op = FUNCTIONS.get(expr.function)
        if op is None:
            raise AdexplainError(
                f"unknown function {expr.function!r}" + suggestion(expr.function, FUNCTIONS),
                code="unknown-function",
                text=self.source,
                span=expr.function_span,
            )
        if len(expr.args) != op.arity:
            wanted = "1 argument" if op.arity == 1 else f"{op.arity} arguments"
            raise AdexplainError(
                f"{expr.function} takes {wanted}, but was given {len(expr.args)}",
                code="arity",
                text=self.source,
                span=expr.span,
            )
        return op

    def _fold(self, op: Op, expr: Operator | Call, args: tuple[Arg, ...]) -> Constant:
        values = [arg.value for arg in args if isinstance(arg, Constant)]
        text = " ".join(self.source[expr.span.start : expr.span.end].split())
        reason = op.undefined(values)
        if reason is not None:
            raise AdexplainError(
                f"{text} is undefined: {reason}", code="domain", text=self.source, span=expr.span
            )
        return Constant(op.evaluate(values), text)

    def _ensure_inputs(self) -> None:
        """Create the input nodes w1…wk once, before the first operation is numbered."""
        if self.nodes:
            return
        for index, name in enumerate(self.input_names):
            # The span is patched in check_all_inputs_used, once the first use is known.
            self.nodes.append(Node(index, "input", name, None, (), name, Span(0, 0)))

    def check_all_inputs_used(self) -> None:
        self._ensure_inputs()
        unused = [name for i, name in enumerate(self.input_names) if i not in self.first_use]
        if unused:
            names = ", ".join(unused)
            verb = "is" if len(unused) == 1 else "are"
            raise AdexplainError(
                f"{names} {verb} given a value but not used in the expression",
                code="unused-input",
            )
        for index in range(len(self.input_names)):
            node = self.nodes[index]
            self.nodes[index] = Node(
                index, "input", node.name, None, (), node.formula, self.first_use[index]
            )


def operand(arg: Arg) -> Operand:
    """An argument as formulas write it: a node id, or a constant's text (bracketed if needed)."""
    if isinstance(arg, int):
        return Operand(node_id(arg))
    return Operand(_parenthesize(arg.text), arg.value)


_ATOM = re.compile(r"^(\w+|\d*\.?\d+([eE][+-]?\d+)?)$")


def _parenthesize(text: str) -> str:
    """Wrap a constant's text in parentheses unless it is a number, a name or already wrapped."""
    call = re.match(r"\w+(?=\()", text)
    if _ATOM.match(text) or _wrapped(text) or (call and _wrapped(text[call.end() :])):
        return text
    return f"({text})"


def _wrapped(text: str) -> bool:
    """``(2*pi)`` is wrapped; ``(1)+(2)`` is not, though it starts and ends with parentheses."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for char in text[:-1]:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return False
    return True


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'sin'?)`` when a candidate is close to ``name``, else nothing."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
