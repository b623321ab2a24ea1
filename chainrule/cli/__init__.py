"""The command line: ``chainrule check | list | init | render | script | slides | handout``.

One module per subcommand, shared option decorators in :mod:`.options`, the scenes a command
works on in :mod:`.scene_choice`, the group, its error handling and the console-script entry
point (:func:`chainrule.cli.app.main`) in :mod:`.app`. Commands read settings
(:mod:`chainrule.settings`), run the pipeline (:mod:`chainrule.rendering`,
:mod:`chainrule.voice`, :mod:`chainrule.publishing`) and print; no library module imports from
here. Importing this package imports no command, so :mod:`.options` can be used without
loading the scenes.
"""
