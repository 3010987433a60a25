"""Jisr (جسر): an open platform for integrated social services."""

__version__ = "0.1.0"
