"""What the screen and sound need: ``kiosk doctor`` names each missing library's Debian
package, and on a set-up machine every Qt platform plugin loads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.commands import doctor
from kiosk.deploy import display

MISSING_SONAME = "libkiosk-missing-for-tests.so.1"


def _plugins_with_a_missing_library(root: Path) -> Path:
    """A plugins folder whose X platform plugin links a library that is not installed."""
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build a stand-in plugin")
    build = root / "build"
    build.mkdir()
    (build / "stub.c").write_text("int stub(void) { return 1; }\n")
    (build / "plugin.c").write_text("int stub(void);\nint plugin(void) { return stub(); }\n")
    stub = build / MISSING_SONAME
    subprocess.run(
        [
            compiler,
            "-shared",
            "-fPIC",
            f"-Wl,-soname,{MISSING_SONAME}",
            "-o",
            str(stub),
            str(build / "stub.c"),
        ],
        check=True,
    )
    plugins = root / "plugins"
    (plugins / "platforms").mkdir(parents=True)
    subprocess.run(
        [
            compiler,
            "-shared",
            "-fPIC",
            "-o",
            str(plugins / "platforms" / "libqxcb.so"),
            str(build / "plugin.c"),
            f"-L{build}",
            f"-l:{MISSING_SONAME}",
        ],
        check=True,
    )
    stub.unlink()  # as on a machine where the package is not installed
    return plugins


def test_a_missing_library_is_named_with_its_debian_package(tmp_path, monkeypatch) -> None:
    plugins = _plugins_with_a_missing_library(tmp_path)
    lacking = display.missing("xcb", plugins)
    assert lacking.libraries == (MISSING_SONAME,)
    assert lacking.packages == () and MISSING_SONAME in lacking.fix()
    monkeypatch.setitem(display.DEBIAN_PACKAGES, MISSING_SONAME, "libkiosk-missing1")
    monkeypatch.setattr(display, "qt_plugins_dir", lambda: plugins)
    with pytest.raises(doctor.CheckFailedError) as failed:
        doctor.check_screen("xcb")
    assert MISSING_SONAME in failed.value.detail
    assert failed.value.fix == "apt install libkiosk-missing1"


@pytest.mark.parametrize("part", ["xcb", "wayland", "audio"])
def test_every_qt_plugin_the_kiosk_loads_finds_its_libraries(part) -> None:
    """The set-up (.ci/debian-packages) installs what Qt's X, Wayland and sound need."""
    lacking = display.missing(part)
    assert lacking.libraries == (), lacking.fix()


def test_every_debian_package_named_is_in_the_setup() -> None:
    listed = Path(__file__).parents[2] / ".ci" / "debian-packages"
    packages = {line.split()[0] for line in listed.read_text().splitlines() if line.strip()}
    named = set(display.DEBIAN_PACKAGES.values())
    assert named - packages == set()
