"""The whole rule catalogue: importing this module registers every rule once."""

from rules import (  # noqa: F401
    adoption,
    education,
    health,
    lac,
    leavers,
    missing,
    protection,
    visits,
)
from rules.registry import REGISTRY

__all__ = ["REGISTRY"]
