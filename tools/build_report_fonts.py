"""Rebuild the report fonts in static/fonts/ from the Noto fonts published on npm.

    python tools/build_report_fonts.py

Needs `npm` (to fetch the packages with `npm pack`) and fontTools (installed with WeasyPrint).
The fonts are committed, so nobody needs to run this unless a font or a character set changes.

Why subsets: the full Noto Sans SC alone is 10 MB per weight. Chinese names need the common
characters, so the CJK font keeps the 7,445 characters of GB 2312 (simplified) and the 5,401
of Big5 level 1 (traditional): 9,521 in all. WeasyPrint embeds only the glyphs a report uses.
Why TrueType and not WOFF2: WeasyPrint unpacks WOFF2 in Python at every render, which takes
about three seconds for the CJK font; the plain file costs nothing to load.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"

PACKAGES = {
    "sans": "@expo-google-fonts/noto-sans@0.4.2",
    "arabic": "@expo-google-fonts/ibm-plex-sans-arabic@0.4.2",
    "cjk": "@expo-google-fonts/noto-sans-sc@0.4.3",
    "emoji": "@expo-google-fonts/noto-emoji@0.4.7",
}


def _ranges(*spans: tuple[int, int]) -> set[int]:
    return {code for start, end in spans for code in range(start, end + 1)}


LATIN_GREEK_CYRILLIC = _ranges(
    (0x0020, 0x007E), (0x00A0, 0x024F),  # Latin-1, Extended-A (Welsh ŵ ŷ, Polish) and -B
    (0x0259, 0x0259), (0x02B0, 0x02FF),  # schwa, modifier letters
    (0x0300, 0x036F),                    # combining accents
    (0x0370, 0x03FF), (0x0400, 0x052F),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),                    # Latin Extended Additional (Welsh ẁ ẃ ẅ ỳ, Vietnamese)
    (0x2000, 0x206F), (0x20A0, 0x20C0),  # punctuation, currency
    (0x2100, 0x214F), (0x2190, 0x21FF),  # letterlike symbols, arrows
    (0x2212, 0x2212), (0xFB00, 0xFB06),  # minus, ligatures
)
# Each subset keeps ASCII and the common punctuation too: the spaces and marks between words
# of one script are drawn with that script's font, and a missing space garbles copied text.
SHARED = _ranges((0x0020, 0x007E), (0x00A0, 0x00A0), (0x2000, 0x206F))
EMOJI = SHARED | _ranges(
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x200D, 0x200D), (0x203C, 0x3299),
    (0xFE0F, 0xFE0F), (0x1F000, 0x1FAFF), (0xE0020, 0xE007F),
)


def _double_byte(codec: str, high: range, low: list[int]) -> set[int]:
    """Every character a legacy double-byte Chinese character set can encode."""
    found = set()
    for first in high:
        for second in low:
            try:
                found.add(ord(bytes([first, second]).decode(codec)))
            except UnicodeDecodeError:
                continue
    return found


def chinese() -> set[int]:
    """GB 2312 and Big5 level 1: the characters of almost every Chinese name, in both scripts
    (with ASCII, punctuation and kana)."""
    gb2312 = _double_byte("gb2312", range(0xA1, 0xF8), list(range(0xA1, 0xFF)))
    big5 = _double_byte("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    punctuation_and_kana = _ranges((0x3000, 0x30FF), (0xFF00, 0xFFEF))
    return SHARED | gb2312 | big5 | punctuation_and_kana


# Arabic is IBM Plex Sans Arabic, copied unchanged: Noto's Arabic fonts draw several letters
# from shared dotless shapes, so text copied (or read aloud) from the PDF came out wrong; and
# Plex's licence reserves its name, so it is not subset (a subset is a modified font).
OUTPUTS = [  # (package, file in the package, characters to keep or None to copy, file written)
    ("sans", "400Regular/NotoSans_400Regular.ttf", LATIN_GREEK_CYRILLIC, "NotoSans-Regular.ttf"),
    ("sans", "700Bold/NotoSans_700Bold.ttf", LATIN_GREEK_CYRILLIC, "NotoSans-Bold.ttf"),
    ("arabic", "400Regular/IBMPlexSansArabic_400Regular.ttf", None,
     "IBMPlexSansArabic-Regular.ttf"),
    ("arabic", "700Bold/IBMPlexSansArabic_700Bold.ttf", None, "IBMPlexSansArabic-Bold.ttf"),
    ("cjk", "400Regular/NotoSansSC_400Regular.ttf", "chinese", "NotoSansSC-Regular.ttf"),
    ("emoji", "400Regular/NotoEmoji_400Regular.ttf", EMOJI, "NotoEmoji-Regular.ttf"),
]


def fetch(workdir: Path) -> dict[str, Path]:
    """`npm pack` each package and unpack it; returns each package's folder."""
    folders = {}
    for name, spec in PACKAGES.items():
        tarball = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
        folder = workdir / name
        with tarfile.open(workdir / tarball) as archive:
            archive.extractall(folder, filter="data")
        folders[name] = folder / "package"
    return folders


def write_subset(source: Path, characters: set[int], target: Path) -> None:
    """Keep only ``characters`` (with every OpenType feature, for Arabic shaping)."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDFs are not hinted; hints only add size
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    font.save(target)


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folders = fetch(Path(temporary))
        for package, name, characters, output in OUTPUTS:
            source = folders[package] / name
            if characters is None:
                shutil.copyfile(source, FONTS / output)
            else:
                write_subset(source, chinese() if characters == "chinese" else characters,
                             FONTS / output)
            print(f"{output}: {(FONTS / output).stat().st_size // 1024} KiB")
        for package, folder in folders.items():  # the OFL travels with the fonts
            licence = (folder / "LICENSE_FONT").read_text(encoding="utf-8")
            (FONTS / f"OFL-{package}.txt").write_text(licence, encoding="utf-8")


if __name__ == "__main__":
    main()
