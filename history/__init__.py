"""Field history: every change of watched tables, recorded by database triggers."""

from history.context import Source, context

__all__ = ["Source", "context"]
