"""The command line: ``chainrule check | list | init | render | script | slides | handout``.

One module per subcommand, shared option decorators in :mod:`.options`, the group, its error
handling and the console-script entry point in :mod:`.app`. Commands read settings
(:mod:`chainrule.settings`), run the pipeline (:mod:`chainrule.rendering`,
:mod:`chainrule.voice`, :mod:`chainrule.publishing.manifest`) and print; no library module imports
from here.
"""

from __future__ import annotations

from chainrule.cli.app import cli, main

__all__ = ["cli", "main"]
