"""The subcommands of ``chainrule``, one module each (``check``, ``list``, ``render``,
``init``), and the options they share (:mod:`chainrule.commands.options`)."""
