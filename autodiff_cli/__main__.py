"""``python -m autodiff_cli`` runs the ``adexplain`` command."""

from .cli import run

run()
