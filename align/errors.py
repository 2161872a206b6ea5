"""The one exception type the CLI turns into a one-line message and exit code 2."""


class InputError(ValueError):
    """Bad input: a missing, empty, undecodable or inconsistent file or argument.

    The message is a complete sentence for the user; it never needs a traceback.
    """
