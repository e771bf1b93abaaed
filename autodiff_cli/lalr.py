"""A lean LALR(1) driver that runs the tables Lark builds from ``grammar/expr.lark``.

Lark computes the LALR tables; this module only runs them. Lark's own driver
spends most of its time on generality this grammar does not need (a token
object with a dozen fields, a callback wrapper per reduction, one loop turn for
each step down the precedence ladder), and ``import lark`` alone is a third of
the tool's start-up. So the tables are exported once, as plain JSON beside the
grammar (``expr.tables.json``, see :func:`export_tables`), and run here:

- the tokens come from one regular expression built from Lark's terminals, in
  the order Lark's own lexer tries them;
- a reduction shapes its children exactly as Lark's tree builder would (filtered
  tokens dropped, ``_rule`` children spliced in, a ``?rule`` with one child passed
  through), then calls the builder's method named after the rule's alias;
- a chain of pass-through reductions (``atom`` → ``power`` → … → ``expr``) is
  followed once per (state below, state, lookahead) and remembered.

On a syntax error the driver reports only where it stopped: the caller asks
Lark itself for the full diagnosis, so every message stays Lark's.
"""

from __future__ import annotations

import itertools
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

TABLES_FORMAT = 1
"""Bumped when the exported layout changes, so an old export is never misread."""

Token = tuple[str, str, int, int]
"""(terminal name, text, start offset, end offset)."""

_SHIFT = 0
_REDUCE = 1


class Stuck(Exception):
    """The driver met a token (or an end of input) the tables have no action for."""


def grammar_key(grammar: str) -> str:
    """What ties an export to its grammar: a checksum of the text and the export format."""
    return f"{zlib.crc32(grammar.encode()):08x}-{TABLES_FORMAT}"


def export_tables(lark: Any, grammar: str) -> dict[str, Any]:
    """Lark's LALR tables and lexer, as plain data (JSON), for :class:`Tables`.

    ``lark`` is a ``Lark(grammar, parser="lalr")``; this reads its parse table
    and rules, which are Lark internals, only here and only when exporting.
    """
    from lark.parsers.lalr_analysis import Shift

    parse_table = lark.parser.parser.parser.parse_table
    terminals = sorted(
        lark.terminals,
        # NOTE: the order Lark's basic lexer tries terminals in, so "**" wins over "*".
        key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
    )
    # NOTE: Lark numbers states and orders rules as Python's hashing happens to iterate
    # them, which changes from run to run; renumbering in a breadth-first walk from the
    # start state, symbols in sorted order, gives the same export every time.
    states = parse_table.states
    start = parse_table.start_states["start"]
    number = {start: 0}
    queue = [start]
    for state in queue:
        for _symbol, (action, argument) in sorted(states[state].items()):
            if action is Shift and argument not in number:
                number[argument] = len(number)
                queue.append(argument)
    rules = sorted(
        {
            argument
            for row in states.values()
            for action, argument in row.values()
            if action is not Shift
        },
        key=lambda rule: (rule.origin.name, [symbol.name for symbol in rule.expansion]),
    )
    rule_index = {rule: i for i, rule in enumerate(rules)}
    actions = []
    for state in queue:
        for symbol, (action, argument) in sorted(states[state].items()):
            if action is Shift:
                actions.append([number[state], symbol, _SHIFT, number[argument]])
            else:
                actions.append([number[state], symbol, _REDUCE, rule_index[argument]])
    return {
        "format": TABLES_FORMAT,
        "grammar": grammar_key(grammar),
        "terminals": [[t.name, t.pattern.to_regexp()] for t in terminals],
        "ignore": sorted(lark.lexer_conf.ignore),
        "start": 0,
        "accept": number[parse_table.end_states["start"]],
        "rules": [_export_rule(rule) for rule in rules],
        "actions": actions,
    }


def _export_rule(rule: Any) -> dict[str, Any]:
    return {
        "origin": rule.origin.name,
        "alias": rule.alias,
        "expand1": bool(rule.options.expand1),
        "size": len(rule.expansion),
        # Lark's tree builder drops filtered tokens ("(" written as a literal) and
        # splices in the children of rules whose names start with "_".
        "keep": [i for i, s in enumerate(rule.expansion) if not (s.is_term and s.filter_out)],
        "splice": [i for i, s in enumerate(rule.expansion) if not s.is_term and s.name[0] == "_"],
    }


@dataclass(frozen=True, slots=True)
class _Rule:
    origin: str
    size: int
    shape: Callable[[list[Any]], Any] | None
    """Children to value; None for a pass-through (a ``?rule`` of one child)."""


class _Spliced(list[Any]):
    """The children of a ``_rule``, to be spliced into the rule that uses it."""


class Tables:
    """Exported tables, compiled for :func:`run`, with the builder's methods bound."""

    def __init__(self, data: dict[str, Any], builder: object) -> None:
        self.pattern = re.compile(
            "|".join(f"(?P<{name}>{regex})" for name, regex in data["terminals"])
        )
        self.ignore = frozenset(data["ignore"])
        self.start: int = data["start"]
        self.accept: int = data["accept"]
        rules = [self._rule(rule, builder) for rule in data["rules"]]
        self.actions: dict[int, dict[str, tuple[int, Any]]] = {}
        self.goto: dict[tuple[int, str], int] = {}
        for state, symbol, action, argument in data["actions"]:
            if action == _SHIFT and not symbol.isupper() and symbol != "$END":
                self.goto[(state, symbol)] = argument
            else:
                target = argument if action == _SHIFT else rules[argument]
                self.actions.setdefault(state, {})[symbol] = (action, target)

    @staticmethod
    def _rule(rule: dict[str, Any], builder: object) -> _Rule:
        keep, splice = tuple(rule["keep"]), frozenset(rule["splice"])
        name = rule["alias"] or rule["origin"]
        method = getattr(builder, name, None)
        pass_through = rule["expand1"] and rule["size"] == 1 and keep == (0,) and not splice
        if method is None and pass_through:
            return _Rule(rule["origin"], rule["size"], None)
        make: Callable[[list[Any]], Any] = method if method is not None else _Spliced
        if name[0] != "_" and method is None:
            raise ValueError(f"the builder has no method for the rule {name!r}")
        if not splice and keep == tuple(range(rule["size"])):
            return _Rule(rule["origin"], rule["size"], make)
        if not splice:
            return _Rule(
                rule["origin"], rule["size"], lambda children: make([children[i] for i in keep])
            )

        def shape(children: list[Any]) -> Any:
            kept: list[Any] = []
            for i in keep:
                if i in splice:
                    kept.extend(children[i])
                else:
                    kept.append(children[i])
            return make(kept)

        return _Rule(rule["origin"], rule["size"], shape)


def load_tables(text: str, grammar: str) -> dict[str, Any] | None:
    """The exported data if it belongs to this grammar and format, else None."""
    data: dict[str, Any] = json.loads(text)
    if data.get("format") != TABLES_FORMAT or data.get("grammar") != grammar_key(grammar):
        return None
    return data


def tokens(tables: Tables, text: str) -> Iterator[Token]:
    """Every token but the ignored ones; Stuck at a character no terminal matches."""
    position = 0
    ignore = tables.ignore
    for match in tables.pattern.finditer(text):
        start, end = match.span()
        if start != position:
            raise Stuck(position)
        position = end
        kind = match.lastgroup
        assert kind is not None
        if kind not in ignore:
            yield (kind, match.group(), start, end)
    if position != len(text):
        raise Stuck(position)


def run(tables: Tables, stream: Iterable[Token]) -> Any:
    """Shift and reduce over ``stream``; the value the start rule reduces to.

    Raises Stuck (with the offending token; at the end of input, the ``$END``
    token) where the tables have no action: the text is not in the language.
    """
    actions, goto, accept = tables.actions, tables.goto, tables.accept
    states: list[int] = [tables.start]
    values: list[Any] = []
    push_state, push_value = states.append, values.append
    passed_through: dict[tuple[int, int, str], int] = {}
    for token in itertools.chain(stream, [_END]):
        kind = token[0]
        while True:
            try:
                action, target = actions[states[-1]][kind]
            except KeyError:
                raise Stuck(token) from None
            if action == _SHIFT:  # Lark's tables never shift $END
                push_state(target)
                push_value(token)
                break
            if target.shape is None:
                # A pass-through reduction keeps the value and only moves the state;
                # the whole chain of them depends on (state below, state, lookahead).
                key = (states[-2], states[-1], kind)
                top = passed_through.get(key)
                if top is None:
                    top = _pass_through(tables, states[-2], target, kind)
                    passed_through[key] = top
                states[-1] = top
            else:
                # The rule's children leave the stacks; its value and its state arrive.
                size = target.size
                children = values[-size:] if size else []
                if size:
                    del values[-size:]
                    del states[-size:]
                push_value(target.shape(children))
                push_state(goto[(states[-1], target.origin)])
            if states[-1] == accept and kind == "$END":
                return values[-1]
    raise Stuck(_END)  # pragma: no cover - the loop returns or raises at $END


_END: Token = ("$END", "", -1, -1)


def _pass_through(tables: Tables, below: int, rule: _Rule, lookahead: str) -> int:
    top = tables.goto[(below, rule.origin)]
    while True:
        action, target = tables.actions[top].get(lookahead, (_SHIFT, None))
        if action == _SHIFT or target.shape is not None:
            return top
        top = tables.goto[(below, target.origin)]
