"""Publishing: finished videos into the output folder, with everything that goes with them.

:mod:`.manifest` installs each output (atomically) and records it in ``manifest.json``; the
media that accompany a video (captions, chapters, the lecture page) and the separate outputs
(handout, slides) live beside it: :mod:`.chapters`, :mod:`.lecture_page`, :mod:`.handout`,
:mod:`.slides`, with :mod:`.katex` and :mod:`.web_assets` for the browser packages they need.
"""
