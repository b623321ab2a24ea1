"""A config file read safely: one clear line for every way a path can be wrong.

A path too long, missing, a folder, a pipe or device, too large, binary or not UTF-8 is a
:class:`~chainrule.errors.ConfigError` that names the file and the fix; nothing blocks (a FIFO
is refused before it is opened) and nothing large is read.

>>> read_config_text(Path("/no/such/file.toml"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
chainrule.errors.ConfigError: config file /no/such/file.toml does not exist: ...
"""

from __future__ import annotations

import stat
from pathlib import Path

from chainrule.errors import ConfigError

#: The largest config file read: a chainrule config is a short TOML file.
MAX_CONFIG_BYTES = 256 * 1024
#: The longest path accepted for one.
MAX_PATH_LENGTH = 1024


def read_config_text(path: Path) -> tuple[str, str]:
    """The text of the config file ``path`` and the name messages give it."""
    shown = show_path(path)
    if len(str(path)) > MAX_PATH_LENGTH:
        raise ConfigError(
            f"config file {shown} is a path of {len(str(path))} characters: "
            f"give the path of a .toml file (at most {MAX_PATH_LENGTH})"
        )
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ConfigError(
            f"config file {shown} does not exist: check the path, or create "
            f"one with `chainrule init {shown}`"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"config file {shown} cannot be read: {error.strerror or error}"
        ) from None
    if stat.S_ISDIR(status.st_mode):
        raise ConfigError(f"config file {shown} is a directory: give the path of a .toml file")
    if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
        raise ConfigError(
            f"config file {shown} is not a regular file (a pipe or a "
            f"device): give the path of a .toml file"
        )
    if status.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"config file {shown} is {status.st_size} bytes: a chainrule "
            f"config is a short TOML file (at most {MAX_CONFIG_BYTES} bytes)"
        )
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError(
            f"config file {shown} cannot be read: {error.strerror or error}"
        ) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"config file {shown} is more than {MAX_CONFIG_BYTES} bytes: a "
            f"chainrule config is a short TOML file"
        )
    if b"\x00" in data:
        raise ConfigError(
            f"config file {shown} is binary, not TOML text: give a .toml "
            f"file such as the one `chainrule init` writes"
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows editors) is fine
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ConfigError(
            f"config file {shown} is not UTF-8 text (line {line}, byte {column}): save it as UTF-8"
        ) from None
    return text, shown


def show_path(path: Path) -> str:
    """``path`` for a message: long paths are cut in the middle."""
    text = str(path)
    return text if len(text) <= 80 else f"{text[:38]}...{text[-38:]}"


__all__ = ["MAX_CONFIG_BYTES", "MAX_PATH_LENGTH", "read_config_text", "show_path"]
