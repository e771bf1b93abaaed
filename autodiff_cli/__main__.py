"""``python -m autodiff_cli`` runs the ``adexplain`` command."""

from .cli import main

main(prog_name="adexplain")
