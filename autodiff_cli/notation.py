"""How nodes are named: w1…wn (the default), or Griewank–Walther's v₁₋ₙ…v₀, v₁…vₗ.

The second is the notation of Baydin et al. 2018 (JMLR 18), Tables 2 and 3:
the n inputs are v₁₋ₙ…v₀ and the operations v₁, v₂, …; so a learner can put the
tool's tables beside the survey's. Adjoints carry a bar (w̄3), tangents a dot (ẇ3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NotationStyle = Literal["w", "v"]
NOTATIONS: tuple[NotationStyle, ...] = ("w", "v")

_SUBSCRIPT = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")
_BAR = "\u0304"  # combining macron: w̄
_DOT = "\u0307"  # combining dot above: ẇ


@dataclass(frozen=True, slots=True)
class Notation:
    style: NotationStyle
    input_count: int

    def id(self, index: int) -> str:
        """The name of node ``index`` (0-based, inputs first)."""
        if self.style == "w":
            return f"w{index + 1}"
        return "v" + str(index + 1 - self.input_count).translate(_SUBSCRIPT)

    @property
    def adjoint_symbol(self) -> str:
        return self.style + _BAR

    @property
    def tangent_symbol(self) -> str:
        return self.style + _DOT

    def adjoint(self, index: int) -> str:
        """∂Z/∂(node), written with a bar: w̄3."""
        name = self.id(index)
        return name[0] + _BAR + name[1:]

    def tangent(self, index: int) -> str:
        """The node's derivative along a chosen input, written with a dot: ẇ3."""
        name = self.id(index)
        return name[0] + _DOT + name[1:]
