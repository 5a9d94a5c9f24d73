"""Domain errors: raised by services, turned into a message at the edge (view, API, task)."""


class DomainError(Exception):
    """A rule of the business was broken; ``field`` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class PermissionDenied(DomainError):
    """The acting user may not do this to this record."""
