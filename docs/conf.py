"""Sphinx configuration of fastmel's documentation.

Build it from the repository's root with the one command the README gives::

    pip install '.[docs]' && python -m sphinx -W --keep-going -b html docs build/docs

``-W`` turns every warning into an error; the gallery's examples run during
the build and their figures are drawn then.
"""

import os
import sys
from pathlib import Path

import fastmel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "fastmel"
author = "the fastmel developers"
copyright = "2026, the fastmel developers"
release = fastmel.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "fastmel_cli",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# examples/ holds the gallery's sources; sphinx-gallery writes their pages to gallery/.
exclude_patterns = ["_build", "examples", "sg_execution_times.rst"]
root_doc = "index"

# MyST: GitHub-flavoured Markdown as the pages were written, headings as link targets.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# numpydoc renders the docstrings' sections; the class pages list their members
# with autodoc, so numpydoc's own member tables would repeat them.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    # _clips.py is the examples' shared helper, not an example.
    "ignore_pattern": r"(__init__|_clips)\.py",
    "write_computation_times": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
}

html_theme = "furo"
html_title = f"fastmel {release}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
os.environ.setdefault("MPLBACKEND", "Agg")
