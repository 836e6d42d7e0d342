"""Hechtwijzer: signalling and support for pupils with attachment problems at school."""

__version__ = "0.1.0"
