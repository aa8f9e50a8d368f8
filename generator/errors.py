"""The one exception the build reports to users."""


class BuildError(Exception):
    """Bad input to the build: the message is one line naming the file and the location.

    The command line prints it as ``error: <message>`` and exits non-zero; nothing in the
    output directory has been touched when it is raised.
    """


class DocumentError(Exception):
    """A construct in the document the build cannot map, at a JSON pointer (parts as a tuple).

    The build turns it into a :class:`BuildError` naming the document as well.
    """

    def __init__(self, pointer: tuple[str | int, ...], problem: str) -> None:
        super().__init__(problem)
        self.pointer = pointer
        self.problem = problem


class IncompleteBuild(BuildError):
    """The generator ran, but dropped operations, left responses untyped or failed schemas."""

    def __init__(self, message: str, counts: object) -> None:
        super().__init__(message)
        self.counts = counts


class VerificationFailed(IncompleteBuild):
    """The generated models failed to read, or to write back, valid instances of their schemas."""
