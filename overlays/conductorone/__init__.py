"""ConductorOne API client: the hand-written layer over the generated ``conductorone_api``."""

from ._version import __version__

__all__ = ["__version__"]
