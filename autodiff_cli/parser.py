"""Text to syntax tree, with the LALR tables Lark builds from ``grammar/expr.lark``.

A text is a program: statements ``name = expr`` separated by ``;`` or newlines,
the last one the output. A single expression is a program of one statement.

The tables run in :mod:`autodiff_cli.lalr`, a lean driver that builds the tree
inside its reductions (no intermediate parse tree), which is both fast and
iterative: a 100 000-deep nesting never touches the Python stack. When the text
is not in the language, Lark's own parser reads it again for the exact
diagnosis, and its exceptions are translated here, at the boundary, into
:class:`AdexplainError` with a span; nothing from lark reaches the user.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import AdexplainError, Span
from .lalr import Stuck, Tables, Token, export_tables, load_tables, run, tokens
from .syntax import Call, Expr, Name, Number, Operator, Program, Statement

_HUMAN_TOKEN_NAMES = {
    "NUMBER": "a number",
    "NAME": "a name",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "AT": "'@'",
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


def parse(text: str) -> Program:
    """Parse a program; raise AdexplainError (code ``syntax``) with a span on bad input."""
    tables = _tables()
    try:
        tree: Program = run(tables, _without_layout(tokens(tables, text)))
    except Stuck:
        return _diagnose(text)
    return tree


def _diagnose(text: str) -> Program:
    """Lark's own parser on text the tables rejected: its exception, translated."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    try:
        tree: Program = _lark().parse(_as_the_driver_reads_it(text))
    except UnexpectedCharacters as err:
        raise _unexpected_character(text, err.pos_in_stream or 0) from None
    except UnexpectedToken as err:
        # NOTE: LALR reports the end of input as a token ($END), never as UnexpectedEOF.
        raise _unexpected_token(text, err.token, err.expected) from None
    return tree  # pragma: no cover - the two drivers run the same tables (tested)


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


_CONTINUES_AFTER = frozenset(
    {"PLUS", "MINUS", "STAR", "SLASH", "AT", "POW", "EQUAL", "COMMA", "LPAR", "LSQB"}
)
"""A newline right after one of these continues the statement: ``a = x +`` ⏎ ``y``."""


def _without_layout(stream: Iterator[Token]) -> Iterator[Token]:
    """The tokens the parser sees: a newline inside parentheses, or right after an
    operator, ``=`` or ``,``, continues the statement and is dropped here."""
    depth = 0
    last = ""
    for token in stream:
        kind = token[0]
        if kind == "_SEP":
            if token[1] == "\n" and (depth > 0 or last in _CONTINUES_AFTER):
                continue
        elif kind == "LPAR" or kind == "LSQB":
            depth += 1
        elif kind == "RPAR" or kind == "RSQB":
            depth -= 1
        last = kind
        yield token


def _as_the_driver_reads_it(text: str) -> str:
    """The text with everything the driver skips blanked (layout newlines, comments, spaces),
    for Lark's own lexer: both drivers then see the same tokens, at the same offsets.

    Past a character no terminal matches, the rest is left as written: Lark stops there.
    """
    seen = [" "] * len(text)
    try:
        for _kind, value, start, end in _without_layout(tokens(_tables(), text)):
            seen[start:end] = value
    except Stuck as stuck:
        seen[stuck.args[0] :] = text[stuck.args[0] :]
    return "".join(seen)


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
    if char == "|":
        hint = " (write abs(x) for |x|)"
    hint = hint or _array_syntax_hint(text, position)
    span = Span(position, position + 1)
    if unicodedata.combining(char):
        span, hint = _decomposed(text, position)
    return AdexplainError(
        f"unexpected character {char!r} in the expression{hint}",
        code="syntax",
        text=text,
        span=span,
    )


def _array_syntax_hint(text: str, position: int) -> str:
    """What to write for NumPy's and MATLAB's array syntax, which the grammar has no room for:
    a transpose as ``W.T`` or ``x'``, a slice as ``W[:, 1]``."""
    import re

    word = re.search(r"([^\W\d]\w*)\s*\Z", text[:position])
    name = word.group(1) if word else "W"
    char = text[position]
    if char == "." and re.match(r"\.\s*(T\b|t\s*\(|transpose\b)", text[position:]):
        return f" (write transpose({name}) for {name}.T)"
    if char == "'":
        return f" (write transpose({name}) for {name}'; ' is not an operator here)"
    opening = text.rfind("[", 0, position)
    if char == ":" and opening > text.rfind("]", 0, position):
        array = re.search(r"([^\W\d]\w*)\s*\Z", text[:opening])
        m = array.group(1) if array else "W"
        return (
            f" (there are no slices: a row of {m} is {m}[1], a column is "
            f"transpose({m})[1], indices from 1)"
        )
    return ""


def _decomposed(text: str, position: int) -> tuple[Span, str]:
    """The word around a combining mark, and the hint to compose it.

    NOTE: a name typed as 'e' and a combining acute (U+0301), as some keyboards and
    macOS file names give it, looks like 'é' but is two characters; the grammar's names
    are letters and digits. The text is not rewritten (every span would move): the hint
    says what to type, and --at reads its names composed (NFC), so both then agree.
    """

    def in_word(char: str) -> bool:
        return char.isalnum() or char == "_" or bool(unicodedata.combining(char))

    start, end = position, position + 1
    while start > 0 and in_word(text[start - 1]):
        start -= 1
    while end < len(text) and in_word(text[end]):
        end += 1
    word = text[start:end]
    composed = unicodedata.normalize("NFC", word)
    if composed == word:
        return Span(position, position + 1), " (a combining mark must follow a letter)"
    hint = (
        f" (U+{ord(text[position]):04X} is a combining mark: this name is in decomposed "
        f"Unicode; type it with the composed letters, {composed!r}, which is Unicode NFC)"
    )
    return Span(start, end), hint


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
    if token.type == "COMMA" and (decimals := _decimal_comma(text, start)):
        return AdexplainError(
            f"unexpected ','{decimals}",
            code="syntax",
            text=text,
            span=Span(start, start + 1),
        )
    if token.type in ("NAME", "NUMBER", "LPAR") and "STAR" in expected:
        return AdexplainError(
            f"unexpected {str(token)!r}: "
            + (_function_hint(text[:start], str(token)) or _MISSING_OPERATOR),
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


_MISSING_OPERATOR = (
    "an operator is missing before it (write 2*x, not 2x; separate statements with ';' "
    "or a new line)"
)


def _decimal_comma(text: str, comma: int) -> str:
    """The hint for ``3,5*x`` (a comma between digits, outside a call's parentheses), as
    ``--at x=3,5`` has one; empty for any other comma."""
    import re

    whole = re.search(r"(?<![\w.])\d+\Z", text[:comma])
    decimals = re.match(r"\d+", text[comma + 1 :])
    if not (whole and decimals):
        return ""
    number = f"{whole.group()}.{decimals.group()}"
    return f" (a decimal comma? write {number}: commas only separate a function's arguments)"


def _function_hint(before: str, token: str) -> str:
    """What to write when the text before the stuck token is a function written as in
    print: ``sin x`` (parentheses), ``sin^2(x)`` (the power goes after the call)."""
    import re

    from .ops import FUNCTIONS  # only on the way to an error message

    bare = re.search(r"([^\W\d]\w*)\s*\Z", before)
    if bare and bare.group(1) in FUNCTIONS and token != "(":
        name = bare.group(1)
        return (
            "a function takes its argument in parentheses: "
            f"write {name}({token}), not {name} {token}"
        )
    power = re.search(r"([^\W\d]\w*)\s*(\^|\*\*)\s*(\w+)\s*\Z", before)
    if power and power.group(1) in FUNCTIONS and token == "(":
        name, exponent = power.group(1), power.group(3)
        return (
            f"a power of a function goes after the call: write {name}(x)^{exponent} "
            f"for {name}^{exponent}(x)"
        )
    return ""


def _describe_expected(expected: set[str]) -> str:
    names = sorted({_HUMAN_TOKEN_NAMES.get(name, repr(name)) for name in expected})
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


@functools.cache
def _tables() -> Tables:
    """The LALR tables exported beside the grammar, or, when the grammar has changed since
    the export, tables Lark builds afresh (slower to start, same result)."""
    grammar = _grammar_text()
    exported = _grammar_path().with_name(TABLES_FILE)
    data = load_tables(exported.read_text("utf-8"), grammar) if exported.is_file() else None
    if data is None:
        data = export_tables(_lark(), grammar)
    return Tables(data, _TreeBuilder())


TABLES_FILE = "expr.tables.json"


@functools.cache
def _lark() -> Any:
    """Lark's own parser: for the exact diagnosis of a syntax error, and to export tables."""
    from lark import Lark

    return Lark(
        _grammar_text(),
        parser="lalr",
        transformer=_reference_builder(),
        maybe_placeholders=False,
    )


def export() -> str:
    """The tables of the current grammar, as the JSON text of ``grammar/expr.tables.json``."""
    data = export_tables(_lark(), _grammar_text())
    # One list item per line: a grammar change shows in review as a readable diff.
    fields = []
    for key, value in data.items():
        if isinstance(value, list):
            items = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in value)
            fields.append(f" {json.dumps(key)}: [\n{items}\n ]")
        else:
            fields.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _grammar_text() -> str:
    return _grammar_path().read_text("utf-8")


def _grammar_path() -> Path:
    """grammar/expr.lark: beside this module in an installed wheel, one folder up in a source
    checkout; importlib.resources (slower to import) finds it anywhere else."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "expr.lark", here.parent / "grammar" / "expr.lark"):
        if candidate.is_file():
            return candidate
    from importlib import resources

    return Path(str(resources.files("autodiff_cli.grammar").joinpath("expr.lark")))


def _token_span(token: Token) -> Span:
    return Span(token[2], token[3])


class _TreeBuilder:
    """The reductions, one method per ``-> alias`` of the grammar, each returning a syntax node.

    Tokens arrive as (terminal, text, start, end) tuples.
    """

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
        return Statement(name[1], name_span, expr, name_span.cover(expr.span))

    def number(self, children: list[Token]) -> Number:
        (token,) = children
        return Number(float(token[1]), token[1], _token_span(token))

    def name(self, children: list[Token]) -> Name:
        (token,) = children
        return Name(token[1], _token_span(token))

    def group(self, children: list[Any]) -> Expr:
        # Parentheses make no node, but they belong to the text the inner node came
        # from: the source of x / (x-1) must end at its closing parenthesis.
        lpar, inner, rpar = children
        return inner.respan(Span(lpar[2], rpar[3]))  # type: ignore[no-any-return]

    def args(self, children: list[Any]) -> list[Expr]:
        return _extend(children)

    def call(self, children: list[Any]) -> Call:
        name_token, *middle, rpar = children
        arguments = tuple(middle[0]) if middle else ()
        span = Span(name_token[2], rpar[3])
        return Call(name_token[1], _token_span(name_token), arguments, span)

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

    def matmul(self, children: list[Any]) -> Operator:
        return _binary("matmul", children[0], children[-1])

    def index(self, children: list[Any]) -> Operator:
        base, _open, positions, close = children
        return Operator("index", (base, *positions), Span(base.span.start, close[3]))

    def array(self, children: list[Any]) -> Operator:
        opening, items, close = children
        return Operator("array", tuple(items), Span(opening[2], close[3]))


def _reference_builder() -> Any:
    """The same builder as a Lark transformer, its tokens turned into tuples first."""
    from lark import Token as LarkToken
    from lark import Transformer

    builder = _TreeBuilder()

    def adapt(method: Any) -> Any:
        def call(children: list[Any]) -> Any:
            return method(
                [
                    (c.type, str(c), c.start_pos, c.end_pos) if isinstance(c, LarkToken) else c
                    for c in children
                ]
            )

        return call

    reference: Any = Transformer()
    for name in vars(_TreeBuilder):
        if not name.startswith("_"):
            setattr(reference, name, adapt(getattr(builder, name)))
    return reference


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
