"""Tidings: a multilingual news event engine."""

__version__ = "0.1.0"
