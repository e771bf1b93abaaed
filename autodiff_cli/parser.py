"""Text to syntax tree, with Lark's LALR parser and the grammar in ``grammar/expr.lark``.

A text is a program: statements ``name = expr`` separated by ``;`` or newlines,
the last one the output. A single expression is a program of one statement.

The tree is built inside the parser's own callbacks (no intermediate parse
tree), which is both fast and iterative: a 100 000-deep nesting never touches
the Python stack. Lark's exceptions are translated here, at the boundary, into
:class:`AdexplainError` with a span; nothing from lark reaches the user.
"""

from __future__ import annotations

import functools
import os
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from .errors import AdexplainError, Span
from .syntax import Call, Expr, Name, Number, Operator, Program, Statement

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
    "EQUAL": "'='",
    "_SEP": "';' or a new line",
    "$END": "the end of the expression",
}

_CONTINUES_AFTER = frozenset("+-*/^=,(")
"""A newline right after one of these continues the statement: ``a = x +`` ⏎ ``y``."""


def parse(text: str) -> Program:
    """Parse a program; raise AdexplainError (code ``syntax``) with a span on bad input."""
    try:
        tree: Program = _parser().parse(_layout_newlines(text))  # type: ignore[assignment]
    except UnexpectedCharacters as err:
        raise _unexpected_character(text, err.pos_in_stream or 0) from None
    except UnexpectedToken as err:
        # NOTE: LALR reports the end of input as a token ($END), never as UnexpectedEOF.
        raise _unexpected_token(text, err.token, err.expected) from None
    return tree


def parse_expression(text: str, what: str = "a value") -> Expr:
    """Parse text that must be one expression (a value, an answer), not a program."""
    program = parse(text)
    (statement,) = program[-1:]
    if len(program) > 1 or statement.name is not None:
        raise AdexplainError(
            f"{what} must be a single expression, not statements",
            code="syntax",
            text=text,
            span=statement.span if statement.name is not None else program[1].span,
        )
    return statement.expr


def _layout_newlines(text: str) -> str:
    """Blank out newlines that are layout, not separators, keeping every offset in place.

    A newline inside parentheses, or right after an operator, ``=`` or ``,``,
    continues the statement. The text keeps its length, so spans, lines and
    columns still refer to what the user wrote.
    """
    chars = list(text)
    depth = 0
    last = ""  # the last character that was neither blank nor in a comment
    in_comment = False
    for i, char in enumerate(chars):
        if in_comment:
            in_comment = char != "\n"
            if in_comment:
                continue
        if char == "#":
            in_comment = True
        elif char == "\n":
            if depth > 0 or last in _CONTINUES_AFTER:
                chars[i] = " "
            else:
                last = "\n"
        elif not char.isspace():
            depth += {"(": 1, ")": -1}.get(char, 0)
            last = char
    return "".join(chars)


_LOOKALIKES = {
    "−": "-",
    "–": "-",
    "—": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "÷": "/",
    "²": "^2",
    "³": "^3",
    "√": "sqrt",
    "π": "pi",
    "，": ",",
    "（": "(",
    "）": ")",
}
"""Characters that arrive by copy and paste from documents, and what to type instead."""


def _unexpected_character(text: str, position: int) -> AdexplainError:
    char = text[position]
    hint = f" (write {_LOOKALIKES[char]!r} instead)" if char in _LOOKALIKES else ""
    return AdexplainError(
        f"unexpected character {char!r} in the expression{hint}",
        code="syntax",
        text=text,
        span=Span(position, position + 1),
    )


def _unexpected_token(text: str, token: Any, expected: set[str]) -> AdexplainError:
    wanted = _describe_expected(expected)
    if token.type == "$END":
        # Point just past the last written character, not at a trailing newline.
        end = len(text.rstrip())
        if not text.strip():
            return AdexplainError("the expression is empty", code="syntax", text=text)
        return AdexplainError(
            f"the expression ends too early: expected {wanted}",
            code="syntax",
            text=text,
            span=Span(end, end + 1),
        )
    start = token.start_pos
    open_parentheses = text.count("(", 0, start) - text.count(")", 0, start)
    if token.type == "RPAR" and open_parentheses <= 0:
        return AdexplainError(
            "unexpected ')': there is no '(' for it to close",
            code="syntax",
            text=text,
            span=Span(start, start + 1),
        )
    if str(token)[:1] in _LOOKALIKES:
        return _unexpected_character(text, start)
    if token.type in ("NAME", "NUMBER", "LPAR") and "STAR" in expected:
        return AdexplainError(
            f"unexpected {str(token)!r}: an operator is missing before it "
            "(write 2*x, not 2x; separate statements with ';' or a new line)",
            code="syntax",
            text=text,
            span=Span(start, start + len(str(token))),
        )
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
    grammar = _grammar_text()
    options: dict[str, Any] = {
        "parser": "lalr",
        "transformer": _TreeBuilder(),
        "maybe_placeholders": False,
    }
    cache = _cache_file(grammar)
    if cache is not None:
        try:
            return Lark(grammar, cache=str(cache), **options)
        except Exception:  # a damaged or foreign cache: build the tables afresh
            cache.unlink(missing_ok=True)
    return Lark(grammar, **options)


def _grammar_text() -> str:
    """grammar/expr.lark: beside this module in an installed wheel, one folder up in a source
    checkout; importlib.resources (slower to import) finds it anywhere else."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "expr.lark", here.parent / "grammar" / "expr.lark"):
        if candidate.is_file():
            return candidate.read_text("utf-8")
    from importlib import resources

    return resources.files("autodiff_cli.grammar").joinpath("expr.lark").read_text("utf-8")


def _cache_file(grammar: str) -> Path | None:
    """Where Lark may keep the parse tables it builds from the grammar (a third of start-up).

    NOTE: Lark's cache is a pickle, so it lives only in a folder of this user's own that
    nobody else may write (~/.cache/adexplain, mode 700); the file name carries a hash of the
    grammar and the versions, so a new grammar never meets old tables. ADEXPLAIN_NO_CACHE=1,
    or a folder that cannot be made private, turns the cache off.
    """
    if os.environ.get("ADEXPLAIN_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "adexplain"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        return None
    import lark

    # A checksum, not a security hash: the folder is private, and Lark checks the grammar again.
    key = f"{zlib.crc32(grammar.encode()):08x}-{lark.__version__}"
    return folder / f"parser-{key}.lark"


def _token_span(token: Any) -> Span:
    return Span(token.start_pos, token.end_pos)


class _TreeBuilder(Transformer):  # type: ignore[type-arg]
    """Lark callbacks, one per ``-> alias`` of the grammar, each returning a syntax node."""

    def start(self, children: list[Any]) -> Program:
        (statements,) = children
        return tuple(statements)

    def statements(self, children: list[Any]) -> list[Statement]:
        return _extend(children)

    def output(self, children: list[Any]) -> Statement:
        (expr,) = children
        return Statement(None, None, expr, expr.span)

    def assignment(self, children: list[Any]) -> Statement:
        name, expr = children
        name_span = _token_span(name)
        return Statement(str(name), name_span, expr, name_span.cover(expr.span))

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
        return _extend(children)

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


def _extend(children: list[Any]) -> list[Any]:
    """One step of a left-recursive list rule (``args: expr | args "," expr``)."""
    if len(children) == 1:
        return [children[0]]
    earlier, latest = children
    earlier.append(latest)
    result: list[Any] = earlier
    return result


def _binary(op: str, left: Expr, right: Expr) -> Operator:
    return Operator(op, (left, right), left.span.cover(right.span))
