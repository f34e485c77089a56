"""The ``goalign`` command line: thin commands over the library, one error handler."""

from goalign.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
