"""How nodes are named: w1…wn (the default), or Griewank–Walther's v₁₋ₙ…v₀, v₁…vₗ.

The second is the notation of Baydin et al. 2018 (JMLR 18), Tables 2 and 3:
the n inputs are v₁₋ₙ…v₀ and the operations v₁, v₂, …; so a learner can put the
tool's tables beside the survey's. Adjoints carry a bar (w̄3), tangents a dot (ẇ3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

NotationStyle = Literal["w", "v"]
NOTATIONS: tuple[NotationStyle, ...] = ("w", "v")

_SUBSCRIPT = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")
_BAR = "\u0304"  # combining macron: w̄
_DOT = "\u0307"  # combining dot above: ẇ


LETTERS = ("w", "u", "n", "t", "q")
"""Letters the numbered notation may use, in order of preference: w as the blog and most
lecture notes number nodes, another where the student's own names are w1, w11, …"""


def free_letter(names: Iterable[str]) -> str:
    """The first letter of LETTERS that no name, followed by digits, would read as a node id:
    with variables w1 and w11 (as CS231n names weights) "w11" could be either, so nodes are
    u1, u2, … instead. A table that reads two ways is never printed."""
    taken = {match.group(1) for name in names if (match := _NUMBERED.match(name))}
    return next((letter for letter in LETTERS if letter not in taken), "node")


_NUMBERED = re.compile(r"([^\W\d_]+)\d+\Z")


@dataclass(frozen=True, slots=True)
class Notation:
    style: NotationStyle
    input_count: int
    letter: str = "w"
    """The letter of the w style (``u`` where the student's names are w1, w2, …)."""

    def id(self, index: int) -> str:
        """The name of node ``index`` (0-based, inputs first)."""
        if self.style == "w":
            return f"{self.letter}{index + 1}"
        return "v" + str(index + 1 - self.input_count).translate(_SUBSCRIPT)

    @property
    def symbol(self) -> str:
        """The letter the ids start with: ``w`` (or the one chosen instead), or ``v``."""
        return self.letter if self.style == "w" else "v"

    @property
    def adjoint_symbol(self) -> str:
        return self.symbol + _BAR

    @property
    def tangent_symbol(self) -> str:
        return self.symbol + _DOT

    def adjoint(self, index: int) -> str:
        """∂Z/∂(node), written with a bar: w̄3."""
        name = self.id(index)
        letters = len(self.symbol)
        return name[:letters] + _BAR + name[letters:]

    def tangent(self, index: int) -> str:
        """The node's derivative along a chosen input, written with a dot: ẇ3."""
        name = self.id(index)
        letters = len(self.symbol)
        return name[:letters] + _DOT + name[letters:]
