"""Vectors and matrices of scalar nodes: shapes, element names, broadcasting.

The graph stays scalar: a vector input ``x = [1, 2, 3]`` is three input nodes, and a
matrix product is the scalar nodes a student would write out. A :class:`Tensor` exists
only while the graph is built; it is a shape and the graph arguments (node indices or
constants) of its elements, in row-major order.

Elements are named as a mathematician writes them, with indices from 1: ``x[1]``,
``W[1,2]`` (row 1, column 2). NOTE: 1-based on purpose. The nodes are numbered from 1
(w1…wn), textbooks write W₁₂ for the first row's second entry, and "class 3" of a
three-class example is ``p[3]``; a student coming from NumPy or PyTorch reads ``x[0]``
there as ``x[1]`` here. The same name is used everywhere: ``--at`` makes the inputs
``x[1]``…, tables and JSON show them, ``--wrt 'W[1,2]'`` picks one and ``--wrt W`` all.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from .errors import AdexplainError, Span

if TYPE_CHECKING:
    from .graph import Arg

Shape = tuple[int, ...]
"""``()`` for a scalar, ``(n,)`` for a vector, ``(m, n)`` for a matrix (m rows)."""

MAX_ELEMENTS = 250_000
"""The most elements one vector or matrix an operation may make (a 500×500 matrix): a
broadcast of a column by a row must not take the machine before an error could say so."""

MAX_NODES = 300_000
"""The most nodes a graph may grow to through vector operations: nine times the 128-128-1
network's 34 000. A short text can ask for many more (``W @ W @ W …`` with W 30×30 makes
27 000 products each time): past this the build stops with ``too-large`` (after about 3 s)
instead of filling the memory."""


class Tensor(NamedTuple):
    """A vector or matrix while the graph is built: its shape and its elements' arguments."""

    shape: Shape
    elements: tuple[Arg, ...]

    @property
    def size(self) -> int:
        return len(self.elements)


if TYPE_CHECKING:
    Value: TypeAlias = Arg | Tensor
    """What the builder's walk makes of an expression: a graph argument or a Tensor."""


def shape_of(value: Value) -> Shape:
    return value.shape if isinstance(value, Tensor) else ()


def describe(shape: Shape) -> str:
    """``a scalar``, ``a vector of 3``, ``a 2×3 matrix``: how a message names a shape."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return f"a {'×'.join(map(str, shape))} matrix"


def shape_text(shape: Shape) -> str:
    """``(3,)``, ``(2, 3)``: NumPy's way of writing a shape, for JSON and tables."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(map(str, shape)) + ")"


# --- Element names ------------------------------------------------------------


def element_name(name: str, index: Sequence[int]) -> str:
    """``x[2]``, ``W[1,2]``: the name of the element at a 0-based ``index``, written 1-based."""
    return f"{name}[{','.join(str(i + 1) for i in index)}]"


_ELEMENT = re.compile(r"([^\W\d]\w*)\[(\d+(?:,\d+)*)\]\Z")


def parse_element_name(text: str) -> tuple[str, tuple[int, ...]] | None:
    """``"W[1,2]"`` → ``("W", (0, 1))``, the 0-based index; None for a plain name."""
    match = _ELEMENT.match(text)
    if match is None:
        return None
    return match.group(1), tuple(int(i) - 1 for i in match.group(2).split(","))


def indices(shape: Shape) -> Iterator[tuple[int, ...]]:
    """Every index of a shape, in row-major order (the order of ``Tensor.elements``)."""
    return itertools.product(*(range(n) for n in shape))


def grouped(names: Iterable[str]) -> dict[str, Shape]:
    """The vectors and matrices among element names: ``x[1], x[2]`` → ``{"x": (2,)}``.

    Only names that make a whole array in row-major order count (as ``--at`` makes them).
    """
    seen: dict[str, list[tuple[int, ...]]] = {}
    for name in names:
        parsed = parse_element_name(name)
        if parsed is not None:
            seen.setdefault(parsed[0], []).append(parsed[1])
    shapes: dict[str, Shape] = {}
    for base, found in seen.items():
        if not found or any(len(index) != len(found[0]) for index in found):
            continue
        shape = tuple(max(index[d] for index in found) + 1 for d in range(len(found[0])))
        if found == list(indices(shape)):
            shapes[base] = shape
    return shapes


def collapsed(names: Sequence[str]) -> list[str]:
    """The names, each whole vector or matrix among them written once by its own name:
    ``W[1,1], W[1,2], b`` → ``W, b`` when W is 1×2 (a picture's "paths to W highlighted")."""
    shapes = grouped(names)
    out: list[str] = []
    for name in names:
        parsed = parse_element_name(name)
        base = parsed[0] if parsed is not None else None
        if base is None or base not in shapes:
            out.append(name)
        elif base not in out:
            out.append(base)
    return out


def elements_of(name: str, shape: Shape) -> list[str]:
    return [element_name(name, index) for index in indices(shape)]


# --- Values written as arrays: --at x=[1,2,3], TOML arrays ---------------------


def flatten(
    name: str, value: object, split: Callable[[str], list[Any]] | None = None
) -> list[tuple[str, Any]]:
    """``("x", [1, 2])`` → ``[("x[1]", 1), ("x[2]", 2)]``; a scalar as it is.

    ``value`` is a (nested) list, as TOML gives it, or, with ``split``, text that
    ``split`` reads into one (``"[[1,2],[3,4]]"``). Raises for a ragged or empty array.
    """
    if isinstance(value, str) and split is not None and value.strip().startswith("["):
        value = split(value)
    elif not isinstance(value, (str, list)) and callable(getattr(value, "tolist", None)):
        value = value.tolist()  # type: ignore[attr-defined]  # a NumPy array, from a notebook
    if not isinstance(value, list):
        return [(name, value)]
    shape = _array_shape(name, value)
    flat: list[Any] = list(value)
    for _ in shape[1:]:
        flat = [item for row in flat for item in row]
    return list(zip(elements_of(name, shape), flat, strict=True))


def _array_shape(name: str, value: list[Any]) -> Shape:
    shape: list[int] = []
    level: list[Any] = [value]
    while level and all(isinstance(item, list) for item in level):
        lengths = {len(item) for item in level}
        if len(lengths) != 1:
            written = ", ".join(str(len(item)) for item in level[:8])  # in order, as typed
            written += ", …" if len(level) > 8 else ""
            raise AdexplainError(
                f"the rows of {name} have different lengths "
                f"({written}): a matrix needs rows of one length",
                code="bad-at",
            )
        (length,) = lengths
        if length == 0:
            raise AdexplainError(f"{name} is an empty array; give it elements", code="bad-at")
        shape.append(length)
        level = [item for row in level for item in row]
        if len(shape) > 2:
            raise AdexplainError(
                f"{name} nests arrays 3 deep; values are scalars, vectors or matrices",
                code="bad-at",
            )
    if any(isinstance(item, list) for item in level):
        raise AdexplainError(
            f"{name} mixes numbers and arrays at one level: a matrix is a list of rows",
            code="bad-at",
        )
    return tuple(shape)


def split_array(text: str) -> list[Any]:
    """``"[[1, 2], [3, pi/2]]"`` → ``[["1", "2"], ["3", "pi/2"]]``: the brackets read, each
    element left as text (a constant expression). Commas inside parentheses belong to an
    element (``[pow(2,3), 1]``). Raises AdexplainError (``bad-at``) with a caret."""
    stack: list[list[Any]] = []
    result: list[Any] | None = None
    depth = 0
    start = 0

    def close_element(end: int) -> None:
        piece = text[start:end].strip()
        if piece:
            stack[-1].append(piece)

    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth > 0:
            continue
        elif char == "[":
            if result is not None or text[start:i].strip():
                raise _array_error(text, i, "unexpected '['")
            stack.append([])
            start = i + 1
        elif char == "]":
            if not stack:
                raise _array_error(text, i, "unexpected ']': no '[' for it to close")
            close_element(i)
            done = stack.pop()
            if stack:
                stack[-1].append(done)
            else:
                result = done
            start = i + 1
        elif char == ",":
            if not stack:
                raise _array_error(text, i, "unexpected ','")
            close_element(i)
            start = i + 1
    if stack or result is None:
        raise _array_error(text, len(text.rstrip()), "the array is not closed: expected ']'")
    if text[start:].strip():
        raise _array_error(text, start + 1, "unexpected text after the array")
    return result


def _array_error(text: str, position: int, message: str) -> AdexplainError:
    return AdexplainError(message, code="bad-at", text=text, span=Span(position, position + 1))


# --- Shapes of operations -----------------------------------------------------


def shape_error(message: str, source: str, span: Span) -> AdexplainError:
    return AdexplainError(message, code="shape", text=source, span=span)


def broadcast(shapes: Sequence[Shape], what: str, source: str, span: Span) -> Shape:
    """The shape elementwise ``what`` gives: NumPy's broadcasting of shapes aligned at the
    right (a scalar fits anything, a vector of n fits each row of an m×n matrix)."""
    rank = max(len(shape) for shape in shapes)
    result = []
    for axis in range(rank):
        sizes = {shape[axis - rank + len(shape)] for shape in shapes if axis >= rank - len(shape)}
        sizes.discard(1)
        if len(sizes) > 1:
            raise shape_error(
                f"{what} needs operands of one shape (or a scalar), but has "
                + " and ".join(f"{describe(s)} {shape_text(s)}" for s in shapes),
                source,
                span,
            )
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def element_at(value: Value, index: tuple[int, ...]) -> Arg:
    """The element of a broadcast operand at ``index`` of the result's shape."""
    if not isinstance(value, Tensor):
        return value
    shape = value.shape
    own = index[len(index) - len(shape) :]
    flat = 0
    for size, i in zip(shape, own, strict=True):
        flat = flat * size + (0 if size == 1 else i)
    return value.elements[flat]


# --- Writing a point -----------------------------------------------------------

SHOWN_ELEMENTS = 16
"""A vector or matrix of more elements is named by its shape in a summary line; the
tables and JSON still hold every element."""


def point_text(
    point: Mapping[str, Any],
    number: Callable[[Any], str],
    label: Callable[[str], str] = str,
) -> str:
    """``W = [[1, 2], [3, 4]], x = [1, 2], t = 1``: the point as it was written, vectors
    and matrices as arrays (each element printed by ``number``, each name by ``label``:
    the gradient line writes ``∂Z/∂W = [[...]]`` the same way)."""
    return ", ".join(point_parts(point, number, label))


def point_parts(
    point: Mapping[str, Any],
    number: Callable[[Any], str],
    label: Callable[[str], str] = str,
) -> list[str]:
    """The parts of :func:`point_text`, one per variable (a picture wraps its title)."""
    shapes = grouped(point)
    parts = []
    done: set[str] = set()
    for name, value in point.items():
        parsed = parse_element_name(name)
        base = parsed[0] if parsed is not None else None
        if base is None or base not in shapes:
            parts.append(f"{label(name)} = {number(value)}")
        elif base not in done:
            done.add(base)
            parts.append(f"{label(base)} = {_array_text(base, shapes[base], point, number)}")
    return parts


def _array_text(
    base: str, shape: Shape, point: Mapping[str, Any], number: Callable[[Any], str]
) -> str:
    if math.prod(shape) > SHOWN_ELEMENTS:
        return f"{describe(shape)} {shape_text(shape)}"
    texts = [number(point[element]) for element in elements_of(base, shape)]
    if len(shape) == 1:
        return "[" + ", ".join(texts) + "]"
    width = shape[1]
    rows = ["[" + ", ".join(texts[r * width : (r + 1) * width]) + "]" for r in range(shape[0])]
    return "[" + ", ".join(rows) + "]"


# --- What building keeps for the blocks view -------------------------------------


class Step(NamedTuple):
    """One operation of a statement as written (``W @ x``), with its operands' shapes and
    its own: the blocks view writes the statement's local rule in matrix form from these."""

    expr: Any
    """The syntax node (``syntax.Operator`` or ``syntax.Call``)."""
    shapes: tuple[Shape, ...]
    shape: Shape


class Statement(NamedTuple):
    """A statement of a program as a block: its name, shape, elements and steps."""

    name: str | None
    span: Span
    shape: Shape
    elements: tuple[Any, ...]
    """The graph arguments (node indices or constants) of its elements, row by row."""
    expr: Any
    """The statement's expression (a syntax node)."""
    steps: tuple[Step, ...]
    """Its operations in the order they were made (post-order): empty for a program
    without vectors, which keeps nothing of the kind."""
