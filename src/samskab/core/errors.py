class ServiceError(Exception):
    """A use case refused: the message is shown to the person as is (already translated)."""
