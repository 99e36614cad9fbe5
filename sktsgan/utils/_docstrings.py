"""Text shared between docstrings, written once: ``{name}`` markers filled in."""

from __future__ import annotations


def fill_docstring(target, **snippets):
    """Replace every ``{name}`` marker in ``target.__doc__`` by ``snippets[name]``.

    A snippet's lines after its first are indented like the marker's line, so snippets
    are written without the indentation of the docstrings they go into. Markers that
    ``target`` lacks are skipped; other braces are left alone. Returns ``target``.

    Examples
    --------
    >>> from sktsgan.utils._docstrings import fill_docstring
    >>> def f():
    ...     '''Parameters
    ...     ----------
    ...     {seed}
    ...     '''
    >>> print(fill_docstring(f, seed="seed : int\\n    The seed.").__doc__)
    Parameters
        ----------
        seed : int
            The seed.
    <BLANKLINE>
    """
    doc = target.__doc__
    if not doc:
        return target
    for name, text in snippets.items():
        marker = "{" + name + "}"
        while marker in doc:
            at = doc.index(marker)
            line = doc[doc.rfind("\n", 0, at) + 1 :]
            indent = line[: len(line) - len(line.lstrip(" "))]
            first, *rest = text.split("\n")
            filled = "\n".join([first, *(indent + part if part else part for part in rest)])
            doc = doc[:at] + filled + doc[at + len(marker) :]
    target.__doc__ = doc
    return target


def with_snippets(**snippets):
    """Decorator form of :func:`fill_docstring`."""
    return lambda target: fill_docstring(target, **snippets)
