"""Keep the English catalogue in step with the code: ``python -m kiosk.ui.i18n_tool``.

Finds every ``tr("…")`` literal in ``kiosk/ui`` (the Japanese source texts), merges them into
``assets/translations/kiosk_en.ts`` (keeping the translations already there, marking new ones
unfinished, dropping vanished ones) and compiles the ``.qm`` with ``pyside6-lrelease``.
Exit status 1 when a source text has no translation yet.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from kiosk.paths import assets_dir

UI_DIR = Path(__file__).resolve().parent
CONTEXT = "kiosk"


def source_texts(root: Path = UI_DIR) -> list[str]:
    """Every literal passed to ``tr(...)`` under ``root``, in first-seen order."""
    seen: dict[str, None] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                seen.setdefault(node.args[0].value, None)
    return list(seen)


def ts_path(language: str = "en") -> Path:
    return assets_dir() / "translations" / f"kiosk_{language}.ts"


def read_translations(path: Path) -> dict[str, str]:
    """source → translation for the finished entries of a .ts file."""
    if not path.exists():
        return {}
    tree = ET.parse(path)  # noqa: S314 (our own file)
    found: dict[str, str] = {}
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        node = message.find("translation")
        if node is not None and node.text and node.get("type") != "unfinished":
            found[source] = node.text
    return found


def write_ts(path: Path, texts: list[str], translations: dict[str, str], language: str) -> None:
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="ja_JP")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text in texts:
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = text
        node = ET.SubElement(message, "translation")
        if text in translations:
            node.text = translations[text]
        else:
            node.set("type", "unfinished")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def lrelease() -> str:
    """The lrelease program: Qt's own, else the one PySide6 ships."""
    for name in ("pyside6-lrelease", "lrelease"):
        beside = Path(sys.executable).with_name(name)
        if beside.exists():
            return str(beside)
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("lrelease not found: install PySide6 (it ships pyside6-lrelease)")


def main() -> int:
    texts = source_texts()
    path = ts_path("en")
    translations = read_translations(path)
    write_ts(path, texts, translations, "en_GB")
    subprocess.run(  # noqa: S603 (fixed arguments)
        [lrelease(), "-silent", str(path), "-qm", str(path.with_suffix(".qm"))], check=True
    )
    missing = [t for t in texts if t not in translations]
    for text in missing:
        print(f"untranslated: {text}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
