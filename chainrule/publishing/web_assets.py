"""The browser assets of chainrule's offline HTML: reveal.js (slides) and KaTeX (formulas).

They come from npm packages pinned in ``web/package.json`` and installed by
``scripts/bootstrap.sh`` (``npm ci --prefix web``), and are copied next to the HTML that uses
them, so a page works with no network: nothing is fetched from a CDN when it is viewed.
``CHAINRULE_WEB_ASSETS`` names another ``node_modules`` folder holding the same packages.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from chainrule.errors import MissingDependency
from chainrule.files import place_folder, remove_stale, scratch_folder

#: The npm packages chainrule's HTML uses, and the file each must contain.
PACKAGES = {"katex": "dist/katex.min.js", "reveal.js": "dist/reveal.js"}
#: The command that installs them (what the error message tells the educator to run).
INSTALL = "npm ci --prefix web   (or: bash scripts/bootstrap.sh)"


def node_modules() -> Path:
    """The folder holding the npm packages (``$CHAINRULE_WEB_ASSETS``, else the checkout's
    ``web/node_modules``)."""
    override = os.environ.get("CHAINRULE_WEB_ASSETS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "web" / "node_modules"


def package_dir(name: str) -> Path:
    """The installed npm package ``name`` (one of :data:`PACKAGES`).

    Raises :class:`~chainrule.errors.MissingDependency` with the install command when it is
    not installed.
    """
    if name not in PACKAGES:
        raise KeyError(f"unknown web asset package {name!r}; known: {', '.join(PACKAGES)}")
    folder = node_modules() / name
    if not (folder / PACKAGES[name]).is_file():
        raise MissingDependency(
            f"the browser package {name} is not installed in "
            f"{node_modules()}; install it with: {INSTALL}"
        )
    return folder


def copy_package_dist(name: str, target: Path) -> Path:
    """Copy package ``name``'s ``dist`` folder to ``target``; returns ``target``.

    Nothing is copied when ``target`` already holds the same version (its main file, see
    :data:`PACKAGES`, has the same bytes). Otherwise the copy is made in a private folder and
    renamed into place, an outdated ``target`` renamed away first
    (:func:`chainrule.files.place_folder`), so a reader never sees half of it and several
    renders publishing into one folder at once do not clash (a render that loses the race to
    one putting the same version there drops its copy).
    """
    source = package_dir(name) / "dist"
    main = Path(PACKAGES[name]).relative_to("dist")
    if _same_file(source / main, target / main):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent)  # a copy a killed render was making
    with scratch_folder(target.parent, target.name) as staging:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        place_folder(staging, target, lambda there: _same_file(source / main, there / main))
    return target


def _same_file(source: Path, present: Path) -> bool:
    return present.is_file() and present.read_bytes() == source.read_bytes()


__all__ = ["INSTALL", "PACKAGES", "copy_package_dist", "node_modules", "package_dir"]
