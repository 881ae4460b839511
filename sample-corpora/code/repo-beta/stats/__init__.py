"""One-pass running statistics."""
from .mean import RunningStats

__all__ = ["RunningStats"]
