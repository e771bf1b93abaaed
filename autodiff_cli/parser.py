"""Text to syntax tree, with Lark's LALR parser and the grammar in ``grammar/expr.lark``.

The tree is built inside the parser's own callbacks (no intermediate parse
tree), which is both fast and iterative: a 100 000-deep nesting never touches
the Python stack. Lark's exceptions are translated here, at the boundary, into
:class:`AdexplainError` with a span; nothing from lark reaches the user.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from importlib import resources
from typing import Any

from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import AdexplainError, Span
from .syntax import Call, Expr, Name, Number, Operator

_HUMAN_TOKEN_NAMES = {
    "NUMBER": "a number",
    "NAME": "a name",
    "LPAR": "'('",
    "RPAR": "')'",
    "MINUS": "'-'",
    "PLUS": "'+'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "POW": "'^'",
    "COMMA": "','",
}


def parse(text: str) -> Expr:
    """Parse an expression; raise AdexplainError (code ``syntax``) with a span on bad input."""
    try:
        tree: Expr = _parser().parse(text)  # type: ignore[assignment]  # our callbacks build it
    except UnexpectedCharacters as err:
        raise _unexpected_character(text, err.pos_in_stream or 0) from None
    except UnexpectedToken as err:
        raise _unexpected_token(text, err.token, err.expected) from None
    except UnexpectedInput as err:  # UnexpectedEOF and any future kind
        end = len(text)
        raise AdexplainError(
            "the expression ends too early", code="syntax", text=text, span=Span(end, end)
        ) from err
    return tree


def _unexpected_character(text: str, position: int) -> AdexplainError:
    char = text[position]
    return AdexplainError(
        f"unexpected character {char!r} in the expression",
        code="syntax",
        text=text,
        span=Span(position, position + 1),
    )


def _unexpected_token(text: str, token: Any, expected: set[str]) -> AdexplainError:
    wanted = _describe_expected(expected)
    if token.type == "$END":
        end = len(text)
        if not text.strip():
            return AdexplainError("the expression is empty", code="syntax", text=text)
        return AdexplainError(
            f"the expression ends too early: expected {wanted}",
            code="syntax",
            text=text,
            span=Span(end, end + 1),
        )
    start = token.start_pos
    return AdexplainError(
        f"unexpected {str(token)!r}: expected {wanted}",
        code="syntax",
        text=text,
        span=Span(start, start + len(str(token))),
    )


def _describe_expected(expected: set[str]) -> str:
    names = sorted({_HUMAN_TOKEN_NAMES.get(name, repr(name)) for name in expected})
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


@functools.cache
def _parser() -> Lark:
    grammar = resources.files("autodiff_cli.grammar").joinpath("expr.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", transformer=_TreeBuilder(), maybe_placeholders=False)


def _token_span(token: Any) -> Span:
    return Span(token.start_pos, token.end_pos)


class _TreeBuilder(Transformer):  # type: ignore[type-arg]
    """Lark callbacks, one per ``-> alias`` of the grammar, each returning a syntax node."""

    def number(self, children: list[Any]) -> Number:
        (token,) = children
        return Number(float(token), str(token), _token_span(token))

    def name(self, children: list[Any]) -> Name:
        (token,) = children
        return Name(str(token), _token_span(token))

    def group(self, children: list[Any]) -> Expr:
        # Parentheses make no node, but they belong to the text the inner node came
        # from: the source of x / (x-1) must end at its closing parenthesis.
        lpar, inner, rpar = children
        result: Expr = replace(inner, span=Span(lpar.start_pos, rpar.end_pos))
        return result

    def args(self, children: list[Any]) -> list[Expr]:
        if len(children) == 1:
            return [children[0]]
        earlier, latest = children
        earlier.append(latest)
        result: list[Expr] = earlier
        return result

    def call(self, children: list[Any]) -> Call:
        name_token, *middle, rpar = children
        arguments = tuple(middle[0]) if middle else ()
        span = Span(name_token.start_pos, rpar.end_pos)
        return Call(str(name_token), _token_span(name_token), arguments, span)

    def neg(self, children: list[Any]) -> Operator:
        sign, operand = children
        return Operator("neg", (operand,), _token_span(sign).cover(operand.span))

    def pos(self, children: list[Any]) -> Expr:
        # Unary plus changes nothing, so it makes no node.
        _sign, operand = children
        result: Expr = operand
        return result

    def pow(self, children: list[Any]) -> Operator:
        base, _symbol, exponent = children
        return _binary("pow", base, exponent)

    def add(self, children: list[Any]) -> Operator:
        return _binary("add", children[0], children[-1])

    def sub(self, children: list[Any]) -> Operator:
        return _binary("sub", children[0], children[-1])

    def mul(self, children: list[Any]) -> Operator:
        return _binary("mul", children[0], children[-1])

    def div(self, children: list[Any]) -> Operator:
        return _binary("div", children[0], children[-1])


def _binary(op: str, left: Expr, right: Expr) -> Operator:
    return Operator(op, (left, right), left.span.cover(right.span))
