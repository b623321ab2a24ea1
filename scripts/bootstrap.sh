#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine:
#   1. system packages Manim needs (Cairo, Pango, LaTeX, dvisvgm), installed only if missing;
#   2. a Python 3.11+ virtual environment in .venv;
#   3. `pip install -e '.[dev,slides]'` into it, skipped while .venv/.chainrule-installed is newer
#      than pyproject.toml;
#   4. the browser assets of the offline HTML outputs (reveal.js, KaTeX) with `npm ci` into
#      web/node_modules, skipped while they match web/package-lock.json.
# `bootstrap.sh --test` also installs what only the tests use: Chromium (the browser tests) and
# poppler-utils (reading PDFs back).
# Safe to run on every `make` call: when everything is in place it only checks and exits.
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(
    libcairo2-dev libpango1.0-dev pkg-config
    texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
    dvisvgm
)
if [[ "${1:-}" == "--test" ]]; then
    APT_PACKAGES+=(chromium poppler-utils)
fi
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
VENV=.venv
STAMP="$VENV/.chainrule-installed"

say() { printf 'bootstrap: %s\n' "$*"; }

# --- 1. system packages -------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing system packages (${missing[*]}) and no apt-get here; install them by hand." >&2
        exit 1
    fi
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { say "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    # Another apt/dpkg run may hold the lock (e.g. a provisioning job): wait for it, don't fail.
    apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    say "apt-get update"
    "${apt[@]}" update -qq
    say "apt-get install ${missing[*]}"
    "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "system packages present"
fi

# --- 2. virtual environment ---------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    python=""
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            python=$candidate
            break
        fi
    done
    [[ -n "$python" ]] || { say "need Python >= 3.11 (python3.11 or python3) on PATH" >&2; exit 1; }
    say "creating $VENV with $("$python" -c 'import sys; print(sys.executable)')"
    "$python" -m venv "$VENV"
    rm -f "$STAMP"
else
    say "$VENV present"
fi

# --- 3. project and its Python dependencies -------------------------------------------------
if [[ -f "$STAMP" && "$STAMP" -nt pyproject.toml ]]; then
    say "python packages up to date"
else
    say "pip install -e '.[dev,slides]'"
    "$VENV/bin/python" -m pip install -q -e '.[dev,slides]' --config-settings editable_mode=compat
    touch "$STAMP"
fi

# --- 4. browser assets for the offline HTML (slides, handout, lecture page) --------------------
WEB_STAMP=web/node_modules/.package-lock.json
if [[ -f "$WEB_STAMP" && "$WEB_STAMP" -nt web/package-lock.json ]]; then
    say "web assets up to date"
else
    say "npm ci (web assets: reveal.js, KaTeX)"
    npm ci --prefix web --no-audit --no-fund --loglevel=error >/dev/null
    touch "$WEB_STAMP"
fi
