"""The package detection of .ci/setup, against fake apt tools on PATH (no network, no root).

The fake `apt-cache policy` answers as apt does for three kinds of package: one installed, one
with a candidate only once contrib is enabled (apt knows its name because another package
recommends it, so `apt-cache show` would succeed), and one nobody has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / ".ci" / "debian.sh"

FAKE_DPKG_QUERY = """#!/bin/sh
# dpkg-query -W -f=... PKG: installed only when listed in $FAKE/installed
pkg=$(eval echo \\${$#})
if grep -qx "$pkg" "$FAKE/installed"; then echo "install ok installed"; exit 0; fi
echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
"""

FAKE_APT_CACHE = """#!/bin/sh
# apt-cache policy PKG: a candidate when PKG is in $FAKE/main, or in $FAKE/contrib once a
# contrib entry exists under $FAKE/etc; "(none)" for a referenced-only package.
[ "$1" = policy ] || exit 0
pkg=$2
cand="(none)"
grep -qx "$pkg" "$FAKE/main" && cand=1.0
if grep -qx "$pkg" "$FAKE/contrib" && grep -rqs contrib "$FAKE/etc/sources.list.d"; then
    cand=1.0
fi
echo "$pkg:"
echo "  Installed: (none)"
echo "  Candidate: $cand"
echo "  Version table:"
"""

FAKE_APT_GET = """#!/bin/sh
echo "$*" >> "$FAKE/apt-get.log"
"""

DEB822 = """Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

KEY = "/usr/share/keyrings/debian-archive-keyring.gpg"
ONE_LINE = f"""# the classic form
deb [arch=amd64 signed-by={KEY}] http://mirror.example/debian bookworm main
deb http://security.example/debian-security bookworm-security main
"""


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    if shutil.which("bash") is None or shutil.which("awk") is None:
        pytest.skip("bash and awk are needed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in [
        ("dpkg-query", FAKE_DPKG_QUERY),
        ("apt-cache", FAKE_APT_CACHE),
        ("apt-get", FAKE_APT_GET),
    ]:
        tool = bin_dir / name
        tool.write_text(text)
        tool.chmod(0o755)
    (tmp_path / "etc" / "sources.list.d").mkdir(parents=True)
    (tmp_path / "installed").write_text("pcscd\n")
    (tmp_path / "main").write_text("pcscd\nopensc\nopen-jtalk\n")
    (tmp_path / "contrib").write_text("hts-voice-nitech-jp-atr503-m001\n")
    (tmp_path / "packages").write_text(
        "# a list as .ci/debian-packages has it\n"
        "pcscd\nopensc\n\nopen-jtalk optional\nhts-voice-nitech-jp-atr503-m001 optional\n"
    )
    return tmp_path


def run(fake: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{fake / 'bin'}:{os.environ['PATH']}",
        "FAKE": str(fake),
        "APT_ETC": str(fake / "etc"),
        "SUDO": "",
    }
    return subprocess.run(
        ["bash", "-c", f'set -euo pipefail; . "{LIBRARY}"; {script}'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def installs(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stdout.split()


def test_a_package_only_referenced_has_no_candidate(fake: Path) -> None:
    result = run(fake, "no_candidate pcscd opensc hts-voice-nitech-jp-atr503-m001 nosuch")
    assert result.returncode == 0, result.stderr
    assert installs(result) == ["hts-voice-nitech-jp-atr503-m001", "nosuch"]


def test_installed_packages_are_left_alone(fake: Path) -> None:
    result = run(fake, "not_installed pcscd opensc")
    assert installs(result) == ["opensc"]


def test_contrib_is_enabled_from_a_deb822_source_and_the_voice_installs(fake: Path) -> None:
    (fake / "etc" / "sources.list.d" / "debian.sources").write_text(DEB822)
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 0, result.stderr
    assert installs(result) == ["opensc", "open-jtalk", "hts-voice-nitech-jp-atr503-m001"]
    assert "enabled Debian's contrib section" in result.stderr
    written = (fake / "etc" / "sources.list.d" / "kiosk-contrib.sources").read_text()
    assert "URIs: http://mirror.example/debian\n" in written  # the machine's own mirror
    assert "Suites: bookworm bookworm-updates\n" in written  # not the security suite
    assert "Components: contrib\n" in written
    assert "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" in written
    # apt's lists are read again after contrib is added
    assert (fake / "apt-get.log").read_text().count("update") == 2


def test_contrib_is_enabled_from_a_one_line_sources_list(fake: Path) -> None:
    (fake / "etc" / "sources.list").write_text(ONE_LINE)
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 0, result.stderr
    assert "hts-voice-nitech-jp-atr503-m001" in installs(result)
    written = (fake / "etc" / "sources.list.d" / "kiosk-contrib.sources").read_text()
    assert "URIs: http://mirror.example/debian\n" in written
    assert "Suites: bookworm\n" in written
    assert "security" not in written


def test_contrib_already_there_is_not_added_again(fake: Path) -> None:
    (fake / "etc" / "sources.list.d" / "debian.sources").write_text(
        DEB822.replace("Components: main\n", "Components: main contrib\n", 1)
    )
    result = run(fake, "contrib_enabled && echo yes")
    assert installs(result) == ["yes"]
    (fake / "contrib").write_text("")  # contrib is there, the voice still is not
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 0, result.stderr
    assert not (fake / "etc" / "sources.list.d" / "kiosk-contrib.sources").exists()
    assert "voice guidance will be English-only" in result.stderr
    assert installs(result) == ["opensc", "open-jtalk"]


def test_no_voice_to_be_had_still_sets_up(fake: Path) -> None:
    (fake / "etc" / "sources.list.d" / "debian.sources").write_text(DEB822)
    (fake / "contrib").write_text("")
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 0, result.stderr
    assert installs(result) == ["opensc", "open-jtalk"]
    assert "hts-voice-nitech-jp-atr503-m001 cannot be installed" in result.stderr
    assert "English-only" in result.stderr


def test_a_required_package_nobody_has_stops_setup_with_its_name(fake: Path) -> None:
    (fake / "etc" / "sources.list.d" / "debian.sources").write_text(DEB822)
    (fake / "packages").write_text("pcscd\nopensc\nnosuch-package\n")
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 1
    assert "cannot install nosuch-package" in result.stderr


def test_nothing_missing_asks_apt_nothing(fake: Path) -> None:
    (fake / "installed").write_text("pcscd\nopensc\nopen-jtalk\nhts-voice-nitech-jp-atr503-m001\n")
    result = run(fake, f'resolve_packages "{fake / "packages"}"')
    assert result.returncode == 0
    assert installs(result) == []
    assert not (fake / "apt-get.log").exists()


def test_the_setup_script_uses_the_tested_detection() -> None:
    setup = (ROOT / ".ci" / "setup").read_text()
    assert ". .ci/debian.sh" in setup
    assert "resolve_packages .ci/debian-packages" in setup
    assert "apt-cache show" not in setup
