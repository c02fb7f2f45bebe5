"""Find Debian's Chromium for the browser tests, installing it with apt-get when it is missing.

Run as `python -m tests.browser.chromium` (the README's test command does): Playwright drives
the system's Chromium rather than a browser build of its own, which would need a download from
outside the package registries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ENV = "LESSONLINK_CHROMIUM"  # a Chromium binary to use instead of the one on PATH
NAMES = ("chromium", "chromium-browser")
# Fonts: pages render (and screenshot) the same everywhere, emoji included (the bot's buttons
# and the pages use them).
PACKAGES = ("chromium", "fonts-dejavu-core", "fonts-noto-color-emoji")
EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


def find() -> str | None:
    """The Chromium binary the browser tests drive, or None when there is none."""
    given = os.environ.get(ENV)
    if given:
        return given if os.access(given, os.X_OK) else None
    return next((path for name in NAMES if (path := shutil.which(name))), None)


def _apt(*args: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def install() -> str:
    """Chromium's path, installed from Debian's packages first if needed (with its fonts)."""
    found = find()
    if found and (EMOJI_FONT.exists() or not shutil.which("apt-get")):
        return found
    if not shutil.which("apt-get"):
        raise SystemExit(f"The browser tests need Chromium: install it, or set {ENV} to its path.")
    print("Installing Chromium and its fonts for the browser tests (apt-get)...", file=sys.stderr)
    try:
        _apt("update", "-qq")
        _apt("install", "-y", "-qq", "--no-install-recommends", *PACKAGES)
    except (OSError, subprocess.CalledProcessError) as exc:
        if found:  # only the fonts were missing: the tests still run, emoji drawn as boxes
            print(f"Could not install the emoji font ({exc}); going on.", file=sys.stderr)
            return found
        raise SystemExit(
            f"Installing Chromium with apt-get failed ({exc}); install the `chromium` package "
            f"as root, or set {ENV} to a Chromium binary."
        ) from None
    found = find()
    if not found:
        raise SystemExit("apt-get installed chromium, but no chromium binary is on PATH.")
    return found


if __name__ == "__main__":
    print(f"Chromium for the browser tests: {install()}")
