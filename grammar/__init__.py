"""The grammar files of adexplain, shipped as package data of ``autodiff_cli.grammar``."""
