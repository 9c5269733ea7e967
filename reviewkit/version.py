"""The release number, in a module of its own so that any part can read it without importing
the application (and making an import circle)."""

__version__ = "0.1.0"
