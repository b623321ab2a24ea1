"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright
(no browser download), with the network blocked so a page that reaches for a CDN fails.

Use :func:`offline_page`::

    with offline_page(path) as page:
        page.wait_for_function("window.Reveal && Reveal.isReady()")

Requests to anything but ``file:`` URLs are aborted and recorded in ``page.blocked``; a test
asserts it is empty.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Where Debian's package puts the browser (``bootstrap.sh --test`` installs it).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Autoplay without a click, no sandbox (tests run as root), no GPU (none here).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-gpu",
    "--mute-audio",
)


@contextmanager
def offline_page(path: Path, width: int = 1280, height: int = 720) -> Iterator[Any]:
    """A Chromium page showing the local file ``path`` with every non-``file:`` request
    blocked; ``page.blocked`` lists the URLs that were refused, ``page.errors`` the page's
    uncaught JavaScript errors."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: run `bash scripts/bootstrap.sh --test` (make test does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.blocked = []
            page.errors = []
            page.on("pageerror", lambda error: page.errors.append(str(error)))

            def only_files(route: Any) -> None:
                if route.request.url.startswith(("file:", "data:", "blob:")):
                    route.continue_()
                else:
                    page.blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", only_files)
            page.goto(Path(path).resolve().as_uri())
            yield page
        finally:
            browser.close()


def not_blank(png: bytes, minimum_colours: int = 8) -> bool:
    """Whether a screenshot shows something: more than ``minimum_colours`` distinct colours."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    return len(colours) > minimum_colours
