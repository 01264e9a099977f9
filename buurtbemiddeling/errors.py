class DomainError(Exception):
    """A rule of the domain was broken; the message is fit to show to the user."""
