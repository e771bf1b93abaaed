"""Answers: what a student can answer about a problem, and the keys problem files use.

One vocabulary for the problem loader, the grader and the quiz generator:

- ``[values]``: a node, keyed by its id in the numbered notation (``w5``) whatever
  ``--notation`` shows, so a submission is written once. Where the student's own names
  are w1, w11, … the tool numbers nodes u1, u2, … (notation.free_letter), and the key is
  the id printed (``u5``); the w form SPEC.md's files use (``w5``) is read as the same
  node, unless it is also a variable's name, where it could mean either;
- ``[partials]``: a pair of nodes, ``"wJ/wI"`` for ∂wJ/∂wI. A pair sums every edge
  from wI into wJ: for w2 = w1 * w1 it is w1 + w1, the product rule a student writes
  as 2·w1. One key per pair keeps SPEC.md's ``"wJ/wI"`` the whole key syntax (an
  argument position would need a form no file in the wild has), so the template, the
  worksheet and the feedback say where an entry is such a sum;
- ``[gradient]``: a variable, by name.

It also reads answers as students write them by hand or paste them from a document
(:func:`read_answer`): a Unicode minus, ``×`` and ``·``, superscripts (``e²``), a
decimal comma where it cannot separate arguments (``7,389``), a function applied
without parentheses (``sin 2``). The expression parser stays strict; only answers are
read this leniently, because an answer is a number, never a program.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from .arithmetic import FLOAT, Arithmetic
from .errors import AdexplainError
from .notation import Notation
from .numbers import Value
from .ops import FUNCTIONS
from .point import evaluate_value, kind_of

if TYPE_CHECKING:
    from .explain import Explanation
    from .graph import Graph
    from .passes import Edge

SECTIONS = ("values", "partials", "gradient")
"""In the order a student works: forward pass, edge partials, then the chain rule."""

WHAT_A_KEY_NAMES = {
    "values": "a node",
    "partials": 'an edge (as "w5/w2" for ∂w5/∂w2)',
    "gradient": "a variable",
}


class Pair(NamedTuple):
    """∂wJ/∂wI as one answer: every edge from wI into wJ."""

    key: str
    target: int
    source: int
    edges: tuple[int, ...]
    """Positions in the explanation's edge list, in order."""


def key_notation(graph: Graph) -> Notation:
    """The ids answer keys use: the numbered notation with the letter the tool prints."""
    return Notation("w", graph.input_count, graph.notation.letter)


def node_key(graph: Graph, index: int) -> str:
    return key_notation(graph).id(index)


def pairs(graph: Graph, edges: Sequence[Edge]) -> dict[str, Pair]:
    """Every answerable pair, in edge order, by its key."""
    ids = key_notation(graph)
    found: dict[str, list[int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    for position, edge in enumerate(edges):
        key = f"{ids.id(edge.target)}/{ids.id(edge.source)}"
        found.setdefault(key, []).append(position)
        ends.setdefault(key, (edge.target, edge.source))
    return {key: Pair(key, *ends[key], tuple(positions)) for key, positions in found.items()}


def _edges_named(graph: Graph, pair: Pair) -> str:
    count = len(pair.edges)
    many = {2: "two", 3: "three"}.get(count, str(count))
    return f"{many} edges {node_key(graph, pair.source)} → {node_key(graph, pair.target)}"


def sum_note(graph: Graph, pair: Pair) -> str:
    """What a pair of several edges (``w2 * w2``) asks for, where a student could answer one
    edge's partial: empty for a pair of one edge."""
    if len(pair.edges) < 2:
        return ""
    return f"the sum over the {_edges_named(graph, pair)}"


def sum_notes(ex: Explanation) -> dict[str, str]:
    """:func:`sum_note` for every pair that has one, by key."""
    found = pairs(ex.graph, ex.edges).items()
    return {key: note for key, pair in found if (note := sum_note(ex.graph, pair))}


def one_edge_note(graph: Graph, pair: Pair) -> str:
    """Feedback for an answer that is one edge's partial of a pair of several."""
    return f"that is one of the {_edges_named(graph, pair)}; this entry is their sum"


def pair_sums(
    pairs: dict[str, Pair], per_edge: Sequence[Value], arithmetic: Arithmetic
) -> dict[str, Value]:
    """Each pair's value: the sum of its edges' values (``per_edge``, in edge order)."""
    return {key: arithmetic.total([per_edge[i] for i in pair.edges]) for key, pair in pairs.items()}


def known_keys(ex: Explanation) -> dict[str, list[str]]:
    """Every key a submission may use, by section."""
    graph = ex.graph
    return {
        "values": [node_key(graph, node.index) for node in graph.nodes],
        "partials": list(pairs(graph, ex.edges)),
        "gradient": [node.name for node in graph.inputs if node.name is not None],
    }


class Resolved(NamedTuple):
    """What a key a student wrote names: an entry's key, or None (with why, if it helps)."""

    key: str | None
    reason: str = ""


_W_ID = re.compile(r"w(\d{1,9})\Z")  # more digits than nodes a file can hold: no node


class Keys:
    """The keys a submission may use for one problem, and what each key written names."""

    def __init__(self, ex: Explanation) -> None:
        self.graph = ex.graph
        self.known = known_keys(ex)
        self._sets = {section: set(keys) for section, keys in self.known.items()}
        # A vector w2's elements are inputs w2[1], w2[2]: the key w2 could mean it too.
        self._names = {node.name.split("[")[0] for node in ex.graph.inputs if node.name}

    def resolve(self, section: str, key: str) -> Resolved:
        """The entry ``key`` names in ``section``: itself, or where nodes are numbered u1,
        u2, … (the student's names are w1, w11, …) SPEC.md's w form of it too."""
        known = self._sets[section]
        if key in known or section == "gradient" or self.graph.notation.letter == "w":
            return Resolved(key if key in known else None)
        parts = [part.strip() for part in key.split("/")]
        if len(parts) != (2 if section == "partials" else 1):
            return Resolved(None)
        numbers = [_W_ID.match(part) for part in parts]
        if not all(number and int(number[1]) <= len(self.graph.nodes) for number in numbers):
            return Resolved(None)
        shown = "/".join(node_key(self.graph, int(n[1]) - 1) for n in numbers if n)
        if shown not in known:
            return Resolved(None)
        clash = next((part for part in parts if part in self._names), None)
        if clash is not None:
            return Resolved(
                None,
                f"reads two ways, as {clash} is also a variable's name: the nodes here are "
                f"{node_key(self.graph, 0)}, {node_key(self.graph, 1)}, …, so write {shown!r}",
            )
        return Resolved(shown)


def answer_sheet(ex: Explanation) -> dict[str, dict[str, Value]]:
    """The right answer to every entry a student fills in (inputs are given, not asked)."""
    graph = ex.graph
    values = {
        node_key(graph, node.index): ex.values[node.index]
        for node in graph.nodes[graph.input_count :]
    }
    edge_values = [edge.value for edge in ex.edges]
    partials = pair_sums(pairs(graph, ex.edges), edge_values, ex.arithmetic)
    return {"values": values, "partials": partials, "gradient": dict(ex.gradient)}


# --- Answers as people write them ----------------------------------------------------

_SAME_AS = str.maketrans(
    {
        "\u2212": "-",  # − minus sign
        "\u2013": "-",  # – en dash, which word processors put for a minus
        "\u2012": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        "\u00d7": "*",  # ×
        "\u00b7": "*",  # ·
        "\u22c5": "*",  # ⋅
        "\u2219": "*",  # ∙
        "\u00f7": "/",  # ÷
        "\u2215": "/",  # ∕
        "\u03c0": "pi",  # π
    }
)
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_PLAIN_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789-+")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_CALL_WITHOUT_PARENTHESES = re.compile(
    r"(?<![\w.])(" + "|".join(sorted(FUNCTIONS, key=len, reverse=True)) + r")\s+"
    r"(\d+(?:\.\d*)?|\.\d+|[^\W\d]\w*)(?![\w.(])"
)


def handwritten(text: str) -> str:
    """An answer's text with hand-written and pasted forms turned into the grammar's own:
    ``−1/2`` is ``-1/2``, ``e²`` is ``e^(2)``, ``7,389`` is ``7.389``, ``sin 2`` is ``sin(2)``.

    NOTE: a comma between digits is a decimal comma only outside parentheses, where it
    cannot separate the arguments of ``max(1,2)``.
    """
    text = text.strip().translate(_SAME_AS).replace("√", "sqrt ")
    text = _SUPERSCRIPT_RUN.sub(lambda m: f"^({m.group().translate(_PLAIN_DIGITS)})", text)
    if "(" not in text:
        text = _DECIMAL_COMMA.sub(".", text)
    return _CALL_WITHOUT_PARENTHESES.sub(r"\1(\2)", text)


_WORD = re.compile(r"[^\W\d]\w*")
_CONSTANTS = ("pi", "e", "inf", "nan")


_SPACED_DIGITS = re.compile(r"\d\s+\d")


def answer_hint(text: str, variables: Collection[str]) -> str:
    """Why an answer is not read, in words that fit what was typed (``"about 0.068"``,
    ``"x*y"``, ``"7 389"``); empty where the expression parser's own message says it."""
    if _SPACED_DIGITS.search(text):
        return "a space between digits: write one number (7.389), or an operator between two"
    for word in _WORD.findall(handwritten(text)):
        if word in FUNCTIONS or word.lower() in _CONSTANTS:
            continue
        if word in variables:
            return (
                f"{word} is a variable: an answer is the number at the point, not a formula "
                "(7.389, not exp(x))"
            )
        return (
            f"{word!r} is not a number, a constant (pi, e) or a function: write the number "
            'alone (7.389, "1/3", "e^2")'
        )
    return ""


def read_answer(key: str, answer: object, arithmetic: Arithmetic = FLOAT) -> Value:
    """The number a student's answer stands for, read as :func:`handwritten` says; an
    AdexplainError, whose message is the hint to show, when it cannot be read."""
    if isinstance(answer, str):
        answer = handwritten(answer)
    if isinstance(answer, bool) or not isinstance(answer, int | float | str):
        raise AdexplainError(
            f"{key} must be a number or a constant expression in quotes "
            f'(2.5, "1/3", "e^2"), not {kind_of(answer)}',
            code="bad-answer",
        )
    return evaluate_value(key, answer, arithmetic, allow_infinite=True)
