"""Rendering: from a verified derivation to finished videos in a work folder.

The stages, in order: :mod:`.plan` cuts the lecture into units with complete cache keys
(:mod:`.keys`); :mod:`.execution` restores cached units (:mod:`.cache`) and hands the rest to an
executor (:mod:`.executors`: this machine's processes, :mod:`.workers`; or a Dask cluster,
:mod:`.dask_executor`) that draws each with Manim (:mod:`.drawing`); the parts of a scene are
then joined (:mod:`.joining`). :mod:`.progress` reports along the way; :mod:`.cache_folder`
finds and locks the cache. The values handed between stages are in :mod:`chainrule.exchange`.
"""
