"""goalign: one module version set for a Go host and its native plugins."""

__version__ = "0.1.0"
