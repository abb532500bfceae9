"""Sphinx configuration of the course website (site/build.py stages the sources it reads)."""

import os
import time

project = "trilat-lessons"
author = "trilat-lessons contributors"
# the year comes from SOURCE_DATE_EPOCH when set, so two builds of one commit are the same bytes
copyright = time.strftime("%Y", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)))
copyright = f"{copyright}, {author}" if copyright != "1970" else author

extensions = ["myst_nb"]
exclude_patterns = ["_extra", "**.ipynb_checkpoints"]
html_extra_path = ["_build/src/_extra"]  # the notebooks, CSVs and CITATION.cff to download
html_static_path = ["_build/src/_static"]  # paths are relative to this folder
html_css_files = ["trilat.css"]
templates_path = ["_templates"]  # theme-switcher.html: empty (the site is light-only)

# The notebooks arrive executed (site/build.py, offline, cached): Sphinx never runs course code.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget manager from a CDN: explorers show their first state (HTML)
nb_output_stderr = "remove"
# "linkify": a web address typed into a lesson's prose or the readings is a link, as in JupyterLab;
# only addresses with a scheme (http://, https://): "readings.md" or "trilat_lessons.cite" stay text
myst_enable_extensions = ["colon_fence", "linkify"]
myst_linkify_fuzzy_links = False
myst_heading_anchors = 3
# lessons go from the title (H1) to H3 sections inside cells; that is the notebooks' own outline
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# No MathJax: no page has maths, and Sphinx would load MathJax from a CDN. The myst-nb pages ask
# for a math renderer anyway, so it gets a local file that does nothing.
mathjax_path = "trilat-nomath.js"

html_theme = "sphinx_book_theme"
html_title = "Trilateral cooperation: a Jupyter course"
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
# light only, whatever the reader's system setting: the course's charts, widget pictures and
# tables are drawn for a light page (docs/website.md, "Light only")
html_context = {"default_mode": "light"}
