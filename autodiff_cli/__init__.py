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


def load_ipython_extension(shell: object) -> None:
    """``%load_ext autodiff_cli`` in IPython or Jupyter: adds the ``%adexplain`` magic."""
    from .notebook import load

    load(shell)
