"""Add translations to the Chinese catalogue without running makemessages, then compile it.

Usage: python scripts/po_add.py FILE   (FILE: one entry a line, ``msgid<TAB>msgstr``; ``-`` reads
stdin). An existing msgid gets the new msgstr; a new one is appended. The catalogue is locked
while it is read and written, so several people (or helpers) adding strings at once lose none.
``make messages`` later fills in the source references.
"""

from __future__ import annotations

import fcntl
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "safecity" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise SystemExit(f"line {n}: expected msgid<TAB>msgstr")
        msgid, msgstr = line.split("\t", 1)
        pairs.append((msgid.replace("\\n", "\n"), msgstr.replace("\\n", "\n")))
    return pairs


def main() -> None:
    source = sys.stdin.read() if sys.argv[1:] in (["-"], []) else Path(sys.argv[1]).read_text(encoding="utf-8")
    pairs = _pairs(source)
    with open(str(CATALOGUE) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(CATALOGUE))
        index = {e.msgid: e for e in po if not e.msgctxt}
        added = 0
        for msgid, msgstr in pairs:
            entry = index.get(msgid)
            if entry is None:
                entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
                po.append(entry)
                index[msgid] = entry
                added += 1
            else:
                entry.msgstr = msgstr
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if entry.obsolete:
                entry.obsolete = False
        po.save(str(CATALOGUE))
        po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    print(f"{added} added, {len(pairs) - added} updated")


if __name__ == "__main__":
    main()
