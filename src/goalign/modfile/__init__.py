"""Read, edit and format go.mod files exactly as the Go command does."""

from goalign.errors import ModfileError, ModfileErrors

__all__ = ["ModfileError", "ModfileErrors"]
