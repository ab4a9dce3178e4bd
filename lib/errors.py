"""The one exception for input a person can fix."""


class InputError(Exception):
    """Bad input: the message is one sentence written for the person who can fix it.

    `lib` raises it; the app shows it with `st.error`, the CLI prints it to stderr and exits 2.
    Any other exception is a bug.
    """
