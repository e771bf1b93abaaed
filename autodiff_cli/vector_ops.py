"""The table of vector operations: what each does to shapes, and the scalar nodes it makes.

The graph stays scalar (``tensor.py``): a vector operation is *lowered*, while the graph
is built, to the scalar operations of ``ops.py`` a student would write out by hand.
``W @ x`` makes, for each row i, the products W[i,k]·x[k] and one ``sum`` node over them
(one node with an edge per term, so a layer's paths stay short); ``softmax(s)`` makes
exp(s[i]), their sum, and each quotient. Every scalar function and operator applies
elementwise, with NumPy's broadcasting (a scalar fits any shape).

Each entry declares its arguments, its shape rule (checked here, before any node is
made: a mismatch is ``error[shape]`` naming both shapes, with a caret under the
operation) and its lowering. The passes never see a vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .errors import AdexplainError, Span
from .fold import Constant
from .numbers import format_number
from .ops import OPS, Op
from .syntax import Call, Operator
from .tensor import (
    MAX_ELEMENTS,
    Shape,
    Tensor,
    broadcast,
    describe,
    element_at,
    indices,
    shape_error,
    shape_of,
    shape_text,
)

if TYPE_CHECKING:
    from .tensor import Value

Arg = int | Constant
Emit = Callable[[Op, tuple[Arg, ...], Span], Arg]
"""Makes one scalar node (or folds constants into one): the builder's, or the folder's."""


@dataclass(frozen=True, slots=True)
class Lowering:
    """What a lowering needs: the text (for messages) and how to make a scalar node."""

    source: str
    emit: Emit

    def apply(self, op: Op, args: Sequence[Arg], span: Span) -> Arg:
        return self.emit(op, tuple(args), span)

    def reduce(self, op: Op, args: Sequence[Arg], span: Span) -> Arg:
        """One node of a variadic op over ``args``; a single argument is itself."""
        if len(args) == 1:
            return args[0]
        return self.emit(op, tuple(args), span)

    def error(self, message: str, span: Span) -> AdexplainError:
        return shape_error(message, self.source, span)


Expr = Operator | Call
Lower = Callable[[Lowering, Expr, tuple["Value", ...]], "Value"]


class Term(NamedTuple):
    """A vector expression in a rule of the blocks view: ``δ xᵀ``, ``h̄ ⊙ (1 - h^2)``."""

    text: str
    atomic: bool = True
    """Whether it can stand as an operand without parentheses."""

    def operand(self) -> str:
        return self.text if self.atomic else f"({self.text})"


class Rule(NamedTuple):
    """What a rule is given: the adjoint of the result, the operands as written, their
    shapes, and the result's shape and text."""

    adjoint: Term
    operands: tuple[Term, ...]
    shapes: tuple[Shape, ...]
    shape: Shape
    result: Term
    expr: Expr


Adjoints = Callable[[Rule], list[Term | None]]
"""Each operand's adjoint in matrix form (None: it has none, an index or a class)."""


@dataclass(frozen=True, slots=True)
class VectorOp:
    name: str
    arguments: tuple[int, int | None]
    """The fewest and most arguments (None: any number)."""
    shapes: str
    """The shape rule, as the README's table states it."""
    lower: Lower
    adjoints: Adjoints
    """The local rule in matrix form, for the blocks view: what each operand's adjoint
    receives (the scalar nodes' partials are the same rule, element by element)."""


def _elements(values: Sequence[Value]) -> list[Arg]:
    """Every element of every argument, in order: what sum(a, b, x) adds up."""
    flat: list[Arg] = []
    for value in values:
        flat.extend(value.elements if isinstance(value, Tensor) else (value,))
    return flat


def _reduction(op_name: str) -> Lower:
    def lower(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
        return ctx.reduce(OPS[op_name], _elements(args), expr.span)

    return lower


def elementwise(ctx: Lowering, op: Op, expr: Expr, args: tuple[Value, ...]) -> Value:
    """A scalar op applied element by element, scalars broadcast to the others' shape."""
    shapes = [shape_of(arg) for arg in args]
    what = _symbol(op)
    shape = broadcast(shapes, what, ctx.source, expr.span)
    _check_size(ctx, shape, expr.span)
    elements = tuple(
        ctx.apply(op, [element_at(arg, index) for arg in args], expr.span)
        for index in indices(shape)
    )
    return Tensor(shape, elements)


def _symbol(op: Op) -> str:
    written = op.written
    return f"'{written.symbol}'" if written.form != "call" else f"{written.symbol}(...)"


def _check_size(ctx: Lowering, shape: Shape, span: Span) -> None:
    if math.prod(shape) > MAX_ELEMENTS:
        raise AdexplainError(
            f"this makes {describe(shape)}, more than {MAX_ELEMENTS:,} elements",
            code="too-large",
            text=ctx.source,
            span=span,
        )


def _matmul(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """``A @ B`` as in NumPy: matrix·matrix, matrix·vector, vector·matrix, vector·vector."""
    left, right = args
    ls, rs = shape_of(left), shape_of(right)
    if not ls or not rs:
        raise ctx.error(
            f"'@' multiplies vectors and matrices, but has {describe(ls)} {shape_text(ls)} "
            f"and {describe(rs)} {shape_text(rs)}; use '*' for a scalar",
            expr.span,
        )
    rows = ls[0] if len(ls) == 2 else 1
    inner = ls[-1]
    columns = rs[1] if len(rs) == 2 else 1
    if rs[0] != inner:
        raise ctx.error(
            f"'@' needs the left's columns to match the right's rows, but has "
            f"{describe(ls)} {shape_text(ls)} and {describe(rs)} {shape_text(rs)} "
            f"({inner} ≠ {rs[0]})",
            expr.span,
        )
    assert isinstance(left, Tensor) and isinstance(right, Tensor)
    _check_size(ctx, (rows, columns), expr.span)
    mul = OPS["mul"]
    elements = []
    for i in range(rows):
        for j in range(columns):
            terms = [
                ctx.apply(
                    mul, [left.elements[i * inner + k], right.elements[k * columns + j]], expr.span
                )
                for k in range(inner)
            ]
            elements.append(ctx.reduce(OPS["sum"], terms, expr.span))
    shape = tuple(n for n, kept in ((rows, len(ls) == 2), (columns, len(rs) == 2)) if kept)
    return Tensor(shape, tuple(elements)) if shape else elements[0]


def _dot(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    left, right = args
    ls, rs = shape_of(left), shape_of(right)
    if len(ls) != 1 or ls != rs:
        raise ctx.error(
            f"dot needs two vectors of one length, but has {describe(ls)} {shape_text(ls)} "
            f"and {describe(rs)} {shape_text(rs)}",
            expr.span,
        )
    return _matmul(ctx, expr, args)


def _softmax(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """softmax(s)ᵢ = exp(sᵢ) / Σⱼ exp(sⱼ), written out as a student computes it."""
    (scores,) = args
    shape = shape_of(scores)
    if len(shape) != 1:
        raise ctx.error(
            f"softmax needs a vector, but has {describe(shape)} {shape_text(shape)}", expr.span
        )
    assert isinstance(scores, Tensor)
    exps = [ctx.apply(OPS["exp"], [s], expr.span) for s in scores.elements]
    total = ctx.reduce(OPS["sum"], exps, expr.span)
    return Tensor(shape, tuple(ctx.apply(OPS["div"], [e, total], expr.span) for e in exps))


def _cross_entropy(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """cross_entropy(s, k) = -log softmax(s)ₖ = logsumexp(s) - sₖ: two nodes, as PyTorch's
    ``cross_entropy`` computes it (never a softmax that could underflow to 0)."""
    scores, label = args
    shape = shape_of(scores)
    if len(shape) != 1:
        raise ctx.error(
            f"cross_entropy needs a vector of scores, but has {describe(shape)} "
            f"{shape_text(shape)}",
            expr.span,
        )
    assert isinstance(scores, Tensor)
    (k,) = _positions(ctx, expr, (label,), shape, expr.args[1:])
    total = ctx.reduce(OPS["logsumexp"], scores.elements, expr.span)
    return ctx.apply(OPS["sub"], [total, scores.elements[k]], expr.span)


def _transpose(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    (value,) = args
    if not isinstance(value, Tensor) or len(value.shape) < 2:
        return value
    rows, columns = value.shape
    flipped = tuple(value.elements[i * columns + j] for j in range(columns) for i in range(rows))
    return Tensor((columns, rows), flipped)


def _index(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """``p[3]``, ``W[1,2]``, ``W[2]`` (a row): indices from 1, each a whole number."""
    base, *positions = args
    shape = shape_of(base)
    if len(positions) > len(shape):
        raise ctx.error(
            f"{describe(shape)} {shape_text(shape)} takes at most {len(shape)} "
            f"{'index' if len(shape) == 1 else 'indices'}, not {len(positions)}",
            expr.span,
        )
    assert isinstance(base, Tensor)
    chosen = _positions(ctx, expr, positions, shape, expr.args[1:])
    rest = shape[len(chosen) :]
    width = math.prod(rest)
    flat = 0
    for size, i in zip(shape, chosen, strict=False):
        flat = flat * size + i
    start = flat * width
    elements = base.elements[start : start + width]
    return Tensor(rest, elements) if rest else elements[0]


def _positions(
    ctx: Lowering,
    expr: Expr,
    positions: Sequence[Value],
    shape: Shape,
    written: Sequence[object],
) -> list[int]:
    """The 0-based positions that 1-based indices name; each must be a whole number in range."""
    chosen = []
    for axis, (position, text) in enumerate(zip(positions, written, strict=True)):
        span = getattr(text, "span", expr.span)
        if not isinstance(position, Constant):
            raise _variable_index(ctx, text, span)
        value = position.value
        if value is None or not math.isfinite(value) or value != int(value):
            raise AdexplainError(
                "an index must be a whole number, such as 1 or 3 (indices start at 1)",
                code="shape",
                text=ctx.source,
                span=span,
            )
        if not 1 <= value <= shape[axis]:
            raise AdexplainError(
                f"index {format_number(value)} is outside {describe(shape)} {shape_text(shape)}"
                f": indices run from 1 to {shape[axis]}",
                code="shape",
                text=ctx.source,
                span=span,
            )
        chosen.append(int(value) - 1)
    return chosen


def _variable_index(ctx: Lowering, written: object, span: Span) -> AdexplainError:
    """An index (or a class of cross_entropy) must be fixed where the expression is written:
    the graph picks one element, and a derivative by the index would mean nothing."""
    source = ctx.source[span.start : span.end]
    return AdexplainError(
        f"an index must be a number written in the expression, such as 1 or 3, not "
        f"{source!r}, which depends on a variable: write the class or index itself "
        "(indices start at 1)",
        code="shape",
        text=ctx.source,
        span=span,
    )


def _array(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """``[a, b, c]`` or ``[[1, 2], [3, 4]]``: elements of one shape, stacked."""
    shapes = {shape_of(arg) for arg in args}
    if len(shapes) != 1:
        found = " and ".join(f"{describe(s)} {shape_text(s)}" for s in sorted(shapes))
        raise ctx.error(f"the elements of an array must have one shape, not {found}", expr.span)
    (inner,) = shapes
    if len(inner) >= 2:
        raise ctx.error("an array holds scalars or vectors (a matrix is a list of rows)", expr.span)
    return Tensor((len(args), *inner), tuple(_elements(args)))


# --- The local rules in matrix form ---------------------------------------------------


def _times(left: Term, right: Term, joint: str = " ") -> Term:
    return Term(f"{left.operand()}{joint}{right.operand()}", atomic=False)


def _transposed(term: Term) -> Term:
    return Term(f"{term.operand()}ᵀ")


def _ones(shape: Shape) -> str:
    return f"ones({', '.join(map(str, shape))})"


def _matmul_adjoints(rule: Rule) -> list[Term | None]:
    """C = A B: Ā = C̄ Bᵀ, B̄ = Aᵀ C̄; with vectors, the outer and inner products they become."""
    g = rule.adjoint
    (left, right), (ls, rs) = rule.operands, rule.shapes
    if len(ls) == 1 and len(rs) == 1:  # a dot product: the adjoint is a scalar
        return [_times(g, right, " · "), _times(g, left, " · ")]
    if len(ls) == 1:  # x W: x̄ = W ḡ, W̄ = x ḡᵀ
        return [_times(right, g), _times(left, _transposed(g))]
    return [_times(g, _transposed(right)), _times(_transposed(left), g)]


def _spread(rule: Rule, scale: str = "") -> list[Term | None]:
    """A reduction to a scalar hands its adjoint to every element (divided by n for mean)."""
    terms: list[Term | None] = []
    count = sum(math.prod(shape) for shape in rule.shapes)
    for shape in rule.shapes:
        if not shape:
            terms.append(Term(f"{rule.adjoint.operand()}{scale.format(n=count)}", not scale))
        else:
            terms.append(
                Term(f"{rule.adjoint.operand()}{scale.format(n=count)} · {_ones(shape)}", False)
            )
    return terms


def _logsumexp_adjoints(rule: Rule) -> list[Term | None]:
    return [
        _times(rule.adjoint, Term(f"softmax({operand.text})"), " · ") if shape else None
        for operand, shape in zip(rule.operands, rule.shapes, strict=True)
    ]


def _softmax_adjoints(rule: Rule) -> list[Term | None]:
    """p = softmax(s): s̄ = p ⊙ (p̄ - dot(p̄, p))."""
    g, p = rule.adjoint.operand(), rule.result.operand()
    return [Term(f"{p} ⊙ ({g} - dot({rule.adjoint.text}, {rule.result.text}))", atomic=False)]


def _cross_entropy_adjoints(rule: Rule) -> list[Term | None]:
    """L = logsumexp(s) - s[k]: s̄ = L̄ · (softmax(s) - onehot(k))."""
    scores, label = rule.operands
    difference = Term(f"softmax({scores.text}) - onehot({label.text})", atomic=False)
    return [_times(rule.adjoint, difference, " · "), None]


def _transpose_adjoints(rule: Rule) -> list[Term | None]:
    return [_transposed(rule.adjoint)]


def _index_adjoints(rule: Rule) -> list[Term | None]:
    """y = x[i]: x̄ gets ȳ at position i, nothing elsewhere (ȳ · onehot(i))."""
    where = ", ".join(operand.text for operand in rule.operands[1:])
    spot = Term(f"onehot({where})")
    return [_times(rule.adjoint, spot, " · "), *([None] * (len(rule.operands) - 1))]


def _array_adjoints(rule: Rule) -> list[Term | None]:
    return [Term(f"{rule.adjoint.operand()}[{i + 1}]") for i in range(len(rule.operands))]


_TABLE = (
    VectorOp(
        "sum",
        (1, None),
        "anything → scalar: every element added, one node",
        _reduction("sum"),
        _spread,
    ),
    VectorOp(
        "mean",
        (1, None),
        "anything → scalar: the sum over n, one node",
        _reduction("mean"),
        lambda rule: _spread(rule, " / {n}"),
    ),
    VectorOp(
        "logsumexp",
        (1, None),
        "anything → scalar: log Σ exp, one node",
        _reduction("logsumexp"),
        _logsumexp_adjoints,
    ),
    VectorOp("dot", (2, 2), "(n,), (n,) → scalar", _dot, _matmul_adjoints),
    VectorOp("softmax", (1, 1), "(n,) → (n,)", _softmax, _softmax_adjoints),
    VectorOp(
        "cross_entropy",
        (2, 2),
        "(n,), class k → scalar: logsumexp(s) - s[k]",
        _cross_entropy,
        _cross_entropy_adjoints,
    ),
    VectorOp(
        "transpose",
        (1, 1),
        "(m, n) → (n, m); a vector stays itself",
        _transpose,
        _transpose_adjoints,
    ),
)

VECTOR_FUNCTIONS: dict[str, VectorOp] = {op.name: op for op in _TABLE}
"""Functions of whole vectors, by name; every other function applies elementwise."""

VECTOR_OPERATORS: dict[str, VectorOp] = {
    "matmul": VectorOp(
        "matmul",
        (2, 2),
        "(m, n) @ (n, p) → (m, p); a vector is (n,)",
        _matmul,
        _matmul_adjoints,
    ),
    "index": VectorOp(
        "index", (2, 3), "x[i], W[i,j], W[i] (a row); from 1", _index, _index_adjoints
    ),
    "array": VectorOp(
        "array", (1, None), "[a, b, …] stacks scalars or vectors", _array, _array_adjoints
    ),
}
"""Operators written with a symbol that only vectors have: ``@``, ``p[3]``, ``[a, b]``."""


def is_vector(expr: Expr, args: tuple[Value, ...]) -> bool:
    """Whether the builder must lower this operation here: a vector function or operator,
    or any operation with a vector among its arguments."""
    if isinstance(expr, Operator):
        if expr.op in VECTOR_OPERATORS:
            return True
    elif expr.function in VECTOR_FUNCTIONS:
        return True
    # NOTE: a loop, not any(...): this runs once per node, and a generator costs a frame.
    for arg in args:  # noqa: SIM110
        if arg.__class__ is Tensor:
            return True
    return False


def lower(ctx: Lowering, expr: Expr, args: tuple[Value, ...]) -> Value:
    """The operation's result, its scalar nodes made through ``ctx.emit``."""
    if isinstance(expr, Operator):
        vector = VECTOR_OPERATORS.get(expr.op)
        if vector is None:
            return elementwise(ctx, OPS[expr.op], expr, args)
        return vector.lower(ctx, expr, args)
    vector = VECTOR_FUNCTIONS.get(expr.function)
    if vector is None:
        return elementwise(ctx, _function(ctx, expr), expr, args)
    fewest, most = vector.arguments
    if len(args) < fewest or (most is not None and len(args) > most):
        wanted = f"{fewest}" if fewest == most else f"at least {fewest}"
        raise AdexplainError(
            f"{expr.function} takes {wanted} argument{'s' if wanted != '1' else ''}, "
            f"but was given {len(args)}",
            code="arity",
            text=ctx.source,
            span=expr.span,
        )
    return vector.lower(ctx, expr, args)


def vector_op(expr: Expr) -> VectorOp | None:
    """The table's entry for a vector function or operator; None for a scalar op."""
    if isinstance(expr, Operator):
        return VECTOR_OPERATORS.get(expr.op)
    return VECTOR_FUNCTIONS.get(expr.function)


def _function(ctx: Lowering, expr: Call) -> Op:
    from .scope import operation  # the scope knows how to name an unknown function

    return operation(expr, ctx.source)
