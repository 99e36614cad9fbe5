"""fill_docstring: shared docstring text, indented where its marker stands."""

import ast
import inspect
import re

import pytest

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


def _public_classes():
    import sktsgan
    from sktsgan import augment, preprocessing

    for module in (sktsgan, augment, preprocessing):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and obj.__doc__:
                yield obj


def _documented_value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip("\"'")


@pytest.mark.parametrize("cls", list(_public_classes()), ids=lambda cls: cls.__name__)
def test_documented_defaults_are_the_signatures(cls):
    # shared snippets fill some of them in, and ema_decay's differs between samplers
    parameters = inspect.signature(cls.__init__).parameters
    documented = re.findall(r"^\s*(\w+) : [^\n]*, default=(.+)$", cls.__doc__, re.M)
    for name, text in documented:
        if name in parameters:
            default = parameters[name].default
            assert _documented_value(text) == default, f"{name}: documented {text}"
