"""Replace participants' names with stable pseudonyms, keeping coded offsets right.

Pure functions: no I/O. Names are matched as whole words, case-insensitively, longest
first, so "Ali Khan" becomes "P01" before "Ali" alone would be considered.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class Pseudonymised:
    """The new text and the replacements made, to move offsets from the old text to the new."""

    text: str
    replacements: tuple[Replacement, ...]

    def new_offset(self, offset: int, *, is_end: bool = False) -> int:
        """Where ``offset`` of the old text lies in the new text.

        An offset inside a replaced name snaps to the start of the pseudonym (or its end for
        the end of a span), so a segment that quoted part of a name now quotes the pseudonym.
        """
        starts = [r.old_start for r in self.replacements]
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return offset
        r = self.replacements[index]
        if offset >= r.old_end:
            return offset + (r.new_end - r.old_end)
        if offset == r.old_start:
            return r.new_start
        return r.new_end if is_end else r.new_start


def name_pattern(names: Mapping[str, str]) -> re.Pattern[str] | None:
    forms = sorted({n.strip() for n in names if n.strip()}, key=lambda n: (-len(n), n))
    if not forms:
        return None
    alternatives = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in forms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def pseudonymise(text: str, names: Mapping[str, str]) -> Pseudonymised:
    """Replace every form of a name in ``names`` (``{name: pseudonym}``) by its pseudonym."""
    pattern = name_pattern(names)
    if pattern is None:
        return Pseudonymised(text, ())
    lookup = {re.sub(r"\s+", " ", k.strip()).casefold(): v for k, v in names.items()}
    pieces: list[str] = []
    replacements: list[Replacement] = []
    position = shift = 0
    for match in pattern.finditer(text):
        pseudonym = lookup[re.sub(r"\s+", " ", match.group(0)).casefold()]
        pieces.append(text[position : match.start()])
        pieces.append(pseudonym)
        new_start = match.start() + shift
        replacements.append(Replacement(match.start(), match.end(), new_start, new_start + len(pseudonym)))
        shift += len(pseudonym) - (match.end() - match.start())
        position = match.end()
    pieces.append(text[position:])
    return Pseudonymised("".join(pieces), tuple(replacements))


def next_pseudonym(taken: set[str], prefix: str = "P") -> str:
    """The first free ``P01``, ``P02``, ... (three digits past 99)."""
    number = 1
    while True:
        candidate = f"{prefix}{number:02d}"
        if candidate not in taken:
            return candidate
        number += 1
