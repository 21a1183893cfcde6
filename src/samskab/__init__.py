"""Samskab: the platform on which a municipality runs co-creation as one movement."""

__version__ = "0.1.0"
