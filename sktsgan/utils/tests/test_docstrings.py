"""fill_docstring: shared docstring text, indented where its marker stands."""

from sktsgan.utils._docstrings import fill_docstring, with_snippets


def test_snippets_take_the_indentation_of_their_marker_and_leave_other_braces():
    def documented():
        """Summary.

        Parameters
        ----------
        {params}
        a_dict : dict, e.g. {"a": 1}

            {params}
        """

    fill_docstring(documented, params="seed : int\n    The seed.\n\n    More.", absent="x")
    assert documented.__doc__ == (
        "Summary.\n\n        Parameters\n        ----------\n"
        "        seed : int\n            The seed.\n\n            More.\n"
        '        a_dict : dict, e.g. {"a": 1}\n\n'
        "            seed : int\n                The seed.\n\n                More.\n        "
    )


def test_the_decorator_form_and_objects_without_docstrings():
    @with_snippets(note="one\ntwo")
    def documented():
        """{note}"""

    assert documented.__doc__ == "one\ntwo"

    def bare():
        pass

    assert fill_docstring(bare, note="x") is bare and bare.__doc__ is None
