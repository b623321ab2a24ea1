"""Keeps every test's Manim output out of the project's ``media/``, the educator's output
folder (it applies to the docstring examples of the packages too, not only to ``tests/``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def manim_media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point Manim's default media, TeX and text folders at a temporary folder for the session
    (a test that sets its own folders with ``tempconfig`` still uses those)."""
    from manim import config

    media = tmp_path_factory.mktemp("manim-media")
    saved = {key: config[key] for key in ("media_dir", "tex_dir", "text_dir")}
    config.media_dir = str(media)
    config.tex_dir = str(media / "Tex")
    config.text_dir = str(media / "texts")
    yield
    for key, value in saved.items():
        config[key] = value
