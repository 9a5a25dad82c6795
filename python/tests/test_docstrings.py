"""The examples in the package's docstrings run and print what they say."""

import doctest

import pytest

import eisfit._api
import eisfit._spectrum


@pytest.mark.parametrize("module", [eisfit._api, eisfit._spectrum], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_notebook_example_runs():
    """docs/python_example.py, the notebook-style walkthrough, runs from top to bottom."""
    import pathlib
    import runpy

    script = pathlib.Path(__file__).resolve().parents[2] / "docs" / "python_example.py"
    runpy.run_path(str(script), run_name="__main__")
