"""The ``goalign`` command line: thin commands over the library, one error handler."""

from goalign.cli.app import app, main

__all__ = ["app", "main"]
