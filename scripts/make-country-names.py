#!/usr/bin/env python3
"""Writes data/country-names.tsv: every country and territory's name in Spanish, French and
Dutch (and English, for the names cadre's ISO list lacks), from the Unicode CLDR as the Babel
package ships it (pip install babel). Run again after a CLDR release; the file is data, read
by crates/core/src/country.rs."""

import sys
from pathlib import Path

from babel import Locale

root = Path(__file__).resolve().parent.parent
codes = [
    line.split("\t")[0]
    for line in (root / "data/iso3166.tsv").read_text().splitlines()[1:]
    if line.strip()
]
out = ["code\tlanguage\tname"]
for language in ["en", "es", "fr", "nl"]:
    names = Locale(language).territories
    for code in codes:
        name = names.get(code)
        if name:
            out.append(f"{code}\t{language}\t{name}")
(root / "data/country-names.tsv").write_text("\n".join(out) + "\n")
print(f"{len(out) - 1} names", file=sys.stderr)
