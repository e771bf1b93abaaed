"""The syntax tree the parser produces: numbers, names, operators and function calls.

Every tree node records the span of source text it came from, so later stages
can point at "which part of my expression is w6" and put a caret under errors.

NOTE: the records are named tuples rather than frozen dataclasses: as immutable, and
made four times faster, which counts for a tree of a million nodes.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import Span


class Number(NamedTuple):
    value: float
    text: str
    span: Span

    def respan(self, span: Span) -> Number:
        return Number(self.value, self.text, span)


class Name(NamedTuple):
    name: str
    span: Span

    def respan(self, span: Span) -> Name:
        return Name(self.name, span)


class Operator(NamedTuple):
    """An operator written with a symbol (``a + b``, ``-a``, ``a ^ b``); ``op`` is its table key."""

    op: str
    args: tuple[Expr, ...]
    span: Span

    def respan(self, span: Span) -> Operator:
        return Operator(self.op, self.args, span)


class Call(NamedTuple):
    """A function call as written (``sin(x)``); the name is resolved against the table later."""

    function: str
    function_span: Span
    args: tuple[Expr, ...]
    span: Span

    def respan(self, span: Span) -> Call:
        return Call(self.function, self.function_span, self.args, span)


Expr = Number | Name | Operator | Call


class Statement(NamedTuple):
    """``name = expr`` in a program, or (last only) a bare ``expr``; the last one is the output."""

    name: str | None
    name_span: Span | None
    expr: Expr
    span: Span


Program = tuple[Statement, ...]
