"""The one exception the build reports to users."""


class BuildError(Exception):
    """Bad input to the build: the message is one line naming the file and the location.

    The command line prints it as ``error: <message>`` and exits non-zero; nothing in the
    output directory has been touched when it is raised.
    """


class IncompleteBuild(BuildError):
    """The generator ran, but dropped operations, left responses untyped or failed schemas."""

    def __init__(self, message: str, counts: object) -> None:
        super().__init__(message)
        self.counts = counts
