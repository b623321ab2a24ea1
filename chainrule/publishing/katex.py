"""TeX to HTML with KaTeX, on this machine: formulas for offline pages, rendered ahead.

:func:`render_many` runs ``node`` once with the KaTeX package that ``scripts/bootstrap.sh``
installs from npm (:mod:`chainrule.publishing.web_assets`) and returns, per formula, the HTML (with
MathML for screen readers) that ``katex.renderToString`` makes; a page that includes it needs
only KaTeX's stylesheet and fonts, which :func:`stylesheet` gives as one CSS text with the
fonts inlined, so the page is one self-contained file that works with no network and no
JavaScript. A formula KaTeX cannot parse raises :class:`KatexError` naming it (nothing is
rendered half).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from chainrule.errors import MissingDependency, RenderFailed
from chainrule.publishing.web_assets import package_dir

#: How long one ``node`` run may take (seconds).
TIMEOUT = 120

#: The script ``node`` runs: JSON ``[[tex, display], ...]`` on stdin, ``[{html}|{error}]`` out.
_SCRIPT = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try {
      return {html: katex.renderToString(tex, {displayMode: display, throwOnError: true,
                                               strict: "ignore", trust: false,
                                               output: "htmlAndMathml"})};
    } catch (error) {
      return {error: String(error.message || error)};
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


class KatexError(RenderFailed):
    """KaTeX could not typeset a formula (the message names it)."""


def node_program() -> str:
    """The ``node`` executable; :class:`MissingDependency` with the install hint if absent."""
    found = shutil.which("node")
    if found is None:
        raise MissingDependency(
            "node (Node.js) is not installed; KaTeX needs it to typeset "
            "formulas for HTML: sudo apt-get install nodejs"
        )
    return found


def render_many(texs: Sequence[str], display: bool = True) -> tuple[str, ...]:
    """The KaTeX HTML of each of ``texs`` (display or inline style), in one ``node`` run."""
    if not texs:
        return ()
    script_path = package_dir("katex") / "dist" / "katex.js"
    payload = json.dumps([[tex, display] for tex in texs])
    try:
        done = subprocess.run(
            [node_program(), "-e", _SCRIPT, str(script_path)],
            input=payload,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"KaTeX took longer than {TIMEOUT} s for {len(texs)} formulas") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RenderFailed(f"node could not run KaTeX: {last}")
    results = json.loads(done.stdout)
    for tex, result in zip(texs, results, strict=True):
        if "error" in result:
            shown = tex if len(tex) <= 80 else tex[:77] + "..."
            raise KatexError(f"KaTeX cannot typeset {shown!r}: {result['error']}")
    return tuple(result["html"] for result in results)


def render_tex(tex: str, display: bool = True) -> str:
    """The KaTeX HTML of one formula (see :func:`render_many`; batch when there are many).

    >>> "katex" in render_tex("x^2", display=False)
    True
    """
    return render_many([tex], display)[0]


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """KaTeX's CSS with each font inlined as a ``woff2`` data URI (the other formats are
    dropped: every browser that runs KaTeX reads woff2)."""
    dist = package_dir("katex") / "dist"
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    return re.sub(r"src:([^;}]*)", lambda match: "src:" + _woff2_only(match.group(1), dist), css)


def _woff2_only(sources: str, dist: Path) -> str:
    found = re.search(r"url\(([^)]+\.woff2)\)\s*format\([\"']?woff2[\"']?\)", sources)
    if found is None:
        return sources
    data = base64.b64encode((dist / found.group(1).strip("'\"")).read_bytes()).decode("ascii")
    return f'url(data:font/woff2;base64,{data}) format("woff2")'


__all__ = ["TIMEOUT", "KatexError", "node_program", "render_many", "render_tex", "stylesheet"]
