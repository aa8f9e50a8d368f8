"""The package version: the one place it is written (read by the build backend and at runtime)."""

__version__ = "0.1.0"
