"""What the kiosk's screen and sound need from the system: the shared libraries of Qt's
platform plugins (xcb for X, wayland for a Wayland compositor such as cage) and of its
audio back end, each named by the Debian package that provides it.

No Qt is loaded here: the plugins are found in the PySide6 installation and read with
``ldd``, so ``kiosk doctor`` can say what to install even when Qt cannot start.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libpulse.so.0": "libpulse0",
}
"""Library file name -> the Debian package that installs it."""

PLUGINS: dict[str, tuple[str, ...]] = {
    "xcb": ("platforms/libqxcb.so", "xcbglintegrations/libqxcb-glx-integration.so"),
    "wayland": (
        "platforms/libqwayland.so",
        "wayland-shell-integration/libxdg-shell.so",
        "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
    ),
    "audio": ("multimedia/libffmpegmediaplugin.so",),
}
"""The plugins each part of the kiosk loads (paths under Qt's plugins folder)."""


@dataclass(frozen=True)
class Missing:
    """Libraries a part lacks, and the Debian packages to install for them."""

    part: str
    libraries: tuple[str, ...]
    packages: tuple[str, ...]

    def fix(self) -> str:
        unknown = [lib for lib in self.libraries if lib not in DEBIAN_PACKAGES]
        hint = f"apt install {' '.join(self.packages)}" if self.packages else ""
        if unknown:
            hint += ("; " if hint else "") + "provide " + ", ".join(unknown)
        return hint


def qt_plugins_dir() -> Path | None:
    """PySide6's Qt plugins folder, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "Qt" / "plugins"
        if folder.is_dir():
            return folder
    return None


def unresolved(library: Path) -> list[str]:
    """The shared libraries ``library`` needs that the dynamic loader cannot find."""
    tool = shutil.which("ldd")
    if tool is None:
        raise FileNotFoundError("ldd is not installed (apt install libc-bin)")
    done = subprocess.run(  # noqa: S603 - fixed argv
        [tool, str(library)], capture_output=True, text=True, timeout=30, check=False
    )
    return sorted({line.split()[0] for line in done.stdout.splitlines() if "not found" in line})


def missing(part: str, plugins: Path | None = None) -> Missing:
    """What ``part`` ("xcb", "wayland" or "audio") lacks on this machine."""
    folder = plugins or qt_plugins_dir()
    if folder is None:
        raise FileNotFoundError("PySide6 is not installed (pip install 'kiosk[ui]')")
    libraries: set[str] = set()
    for relative in PLUGINS[part]:
        plugin = folder / relative
        if plugin.exists():
            libraries.update(unresolved(plugin))
    packages = sorted({DEBIAN_PACKAGES[lib] for lib in libraries if lib in DEBIAN_PACKAGES})
    return Missing(part, tuple(sorted(libraries)), tuple(packages))
