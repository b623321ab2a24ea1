"""A PDF read back with poppler's tools (pdftotext, pdfinfo, pdftoppm), for the tests of the
handout and the slides."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def _poppler(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: Path) -> str:
    """The PDF's text with all whitespace runs made single spaces."""
    return " ".join(_poppler("pdftotext", str(pdf), "-").split())


def pdf_pages(pdf: Path) -> int:
    """How many pages the PDF has."""
    found = re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", str(pdf)), re.M)
    assert found is not None, f"pdfinfo gives no page count for {pdf}"
    return int(found.group(1))


def pdf_page_png(pdf: Path, page: int, folder: Path) -> bytes:
    """Page ``page`` (1-based) as a small PNG (30 dpi), made in ``folder``."""
    _poppler(
        "pdftoppm",
        "-png",
        "-r",
        "30",
        "-f",
        str(page),
        "-l",
        str(page),
        str(pdf),
        str(folder / "page"),
    )
    (png,) = folder.glob("page*.png")
    return png.read_bytes()
