"""The project's own errors. The CLI shows any of them as one line and exits with status 2."""


class CasecheckError(Exception):
    """Base of every error a user can cause (bad input, unknown ids, bad settings)."""


class StoreError(CasecheckError):
    """The store cannot be opened or used as asked."""


class ChildNotFound(CasecheckError):
    """No child with that id has any recorded facts."""


class ImportConflict(CasecheckError):
    """An event id already recorded with different content."""


class ConcurrentChange(StoreError):
    """Another writer changed the same aggregates first; nothing was stored."""
