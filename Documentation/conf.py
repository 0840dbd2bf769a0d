# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration of avcpu's documentation: `make docs` (warnings are errors).
project = "avcpu"
author = "the avcpu developers"
master_doc = "index"
extensions = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
highlight_language = "none"
