"""Settings: what an educator changes, validated before anything is derived or drawn.

:mod:`.model` is the validated settings model (network, theme, pacing, labels, output, voice);
:mod:`.reading` reads a config file safely; :mod:`.template` writes the commented TOML that
``chainrule init`` gives; :mod:`.wording` turns validation errors into one line;
:mod:`.texsafe` keeps text that could reach LaTeX harmless; :mod:`.colour_vision` checks a
theme for colour-blind viewers; :mod:`.scene_settings` turns settings into the scenes' theme
and pacing.
"""
