"""Sphinx configuration for the sktsgan documentation."""

import sktsgan

project = "sktsgan"
author = "The sktsgan developers"
copyright = "2026, the sktsgan developers"
version = release = sktsgan.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Document what samplers inherit from our base (fit, sample), not torch or skorch internals.
autodoc_default_options = {
    "members": True,
    "inherited-members": "Module,NeuralNet,_MetadataRequester,_SetOutputMixin",
}
exclude_patterns = ["_build", "generated/*.examples"]
html_theme = "alabaster"
html_static_path = []
# The docs build runs offline: cross-references to other projects are not resolved.
intersphinx_mapping = {}
nitpicky = False
