"""The output formats, one module each, named as ``--format`` names them (see ``RENDERERS``)."""
