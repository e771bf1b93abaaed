"""adexplain: shows, step by step, how automatic differentiation finds a derivative.

>>> from autodiff_cli import explain
>>> result = explain("x*x + x", at={"x": 3})
>>> result.gradient["x"], result.chains[0].path_count
(7.0, 3)
"""

from .errors import AdexplainError
from .explain import ChainRule, Explanation, explain

__version__ = "0.1.0"

__all__ = ["AdexplainError", "ChainRule", "Explanation", "__version__", "explain"]
