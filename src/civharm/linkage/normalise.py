"""Names and free text folded so that spellings and scripts of one name compare as equal.

Reports of one event name its place in many ways: "Al-Mayadin", "Mayadeen", "El Mayadin",
"الميادين". Arabic script has no short vowels and Latin transliterations disagree on vowels,
doubled letters and the article, so names are compared on a *folded* form: Arabic letters
transliterated, the article and type words dropped, vowels removed and consonants that
transliterations confuse (q/k, dh/z, ou/w, ee/y ...) merged. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Arabic letters to a Latin consonant skeleton (long vowels become vowels, later dropped).
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ؤ": "", "ئ": "", "ب": "b", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a",
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ی": "y", "ک": "k",
}  # fmt: skip
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_ARABIC_TABLE = str.maketrans(_ARABIC)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel

#: Words that say what kind of place it is rather than which place.
_PLACE_TYPE_WORDS = frozenset(
    [
        "town",
        "city",
        "village",
        "suburb",
        "district",
        "governorate",
        "province",
        "area",
        "camp",
        "countryside",
        "outskirts",
        "near",
        "of",
        "the",
        "al",
        "el",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "ash",
        "an",
        "ed",
        "er",
        "es",
        "et",
        "ez",
        "ul",
        "um",
        "madinat",
        "mohafazat",
        "muhafazat",
        "subdistrict",
        "nahiya",
        "qaryat",
        "mintaqat",
    ]
)
# Order matters: longer digraphs first.
_FOLDS = [
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "z"), ("ph", "f"),
    ("ou", "w"), ("oo", "w"), ("ee", "y"), ("ai", "y"), ("ay", "y"), ("ei", "y"), ("ey", "y"),
    ("q", "k"), ("c", "k"), ("j", "g"), ("d", "d"), ("x", "ks"), ("v", "f"), ("p", "b"), ("e", "i"),
    ("o", "u"),
]  # fmt: skip
_NON_WORD = re.compile(r"[^0-9a-z]+")
_VOWELS = re.compile(r"[aiu]")
_REPEATS = re.compile(r"(.)\1+")

#: Conflict parties named in many ways; each variant maps to one token so texts agree.
ACTOR_SYNONYMS: dict[str, str] = {
    "isis": "islamicstate", "isil": "islamicstate", "daesh": "islamicstate", "is": "islamicstate",
    "داعش": "islamicstate", "regime": "govforces", "government": "govforces", "army": "govforces",
    "saa": "govforces", "loyalist": "govforces", "loyalists": "govforces", "sdf": "sdf", "qsd": "sdf",
    "kurdish": "sdf", "ypg": "sdf", "rebels": "opposition", "rebel": "opposition",
    "insurgents": "opposition", "opposition": "opposition", "fsa": "opposition",
    "coalition": "coalition", "russian": "russia", "russia": "russia", "turkish": "turkey",
    "turkey": "turkey", "hts": "hts", "nusra": "hts",
}  # fmt: skip

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "for",
        "with",
        "and",
        "or",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "it",
        "its",
        "as",
        "into",
        "after",
        "before",
        "during",
        "near",
        "over",
        "about",
        "some",
        "least",
        "according",
        "said",
        "says",
        "reported",
        "report",
        "reports",
        "killed",
        "injured",
        "wounded",
        "dead",
        "people",
        "civilians",
        "civilian",
        "including",
        "among",
        "were",
        "their",
        "there",
        "which",
        "who",
        "while",
        "also",
        "other",
        "local",
        "sources",
        "source",
        "today",
        "yesterday",
        "day",
        "morning",
        "evening",
        "night",
    ]
)


def has_arabic(text: str) -> bool:
    return _ARABIC_LETTER.search(text) is not None


def transliterate(text: str) -> str:
    """Arabic script to a rough Latin form; Latin text loses its diacritics. Lower case."""
    if text.isascii():  # most English text: nothing to transliterate or strip (a million reports)
        return text.lower()
    text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_DIGITS))
    if has_arabic(text):
        words = []
        for word in text.split():
            if word.startswith("ال") and len(word) > 3:  # the article is written joined to the word
                word = word[2:]
            words.append(word.translate(_ARABIC_TABLE))
        text = " ".join(words)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=200_000)
def fold_place(name: str | None) -> str | None:
    """A spelling-insensitive key for a place name, or ``None`` when nothing is left.

    >>> fold_place("Al-Mayadin") == fold_place("Mayadeen") == fold_place("الميادين")
    True
    """
    if not name or not name.strip():
        return None
    words = [w for w in _NON_WORD.split(transliterate(name)) if w and w not in _PLACE_TYPE_WORDS]
    folded = []
    for word in words:
        for old, new in _FOLDS:
            word = word.replace(old, new)
        # Keep a word's first letter (a leading vowel often matters), drop the other vowels.
        skeleton = word[0] + _VOWELS.sub("", word[1:]).replace("w", "").replace("y", "").replace("h", "")
        folded.append(_REPEATS.sub(r"\1", skeleton))
    key = "".join(folded)
    return key or None


def fold_admin(name: str | None) -> str | None:
    """A key for a first-order division ("Aleppo Governorate", "aleppo", "محافظة حلب" → one of two keys)."""
    return fold_place(name)


@lru_cache(maxsize=500_000)
def _token(word: str) -> str:
    return ACTOR_SYNONYMS.get(word, word)


def text_tokens(text: str | None, *, limit: int = 40) -> list[str]:
    """Distinct content words of a description, Arabic transliterated, parties' names unified."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for word in _NON_WORD.split(transliterate(text)):
        if (len(word) < 2 and not word.isdigit()) or word in _STOPWORDS or word in _PLACE_TYPE_WORDS:
            continue
        seen.setdefault(_token(word), None)
        if len(seen) >= limit:
            break
    return sorted(seen)


#: Particulars reports of one event tend to share: the weapon, the target and the time of day.
#: Each value lists words (English, Arabic, and common transliterations) that name it.
DETAIL_LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "weapon": {
        "air": (
            "airstrike",
            "airstrikes",
            "air raid",
            "air raids",
            "warplanes",
            "jets",
            "غارة",
            "غارات",
            "طيران",
        ),
        "artillery": (
            "shelling",
            "shells",
            "artillery",
            "mortar",
            "mortars",
            "rockets",
            "قصف",
            "قذائف",
            "مدفعي",
        ),
        "barrel": ("barrel bomb", "barrel bombs", "helicopter", "براميل", "برميل", "مروحي"),
        "explosive": (
            "car bomb",
            "ied",
            "explosion",
            "blast",
            "landmine",
            "mine",
            "تفجير",
            "انفجار",
            "مفخخة",
            "لغم",
        ),
        "gunfire": ("clashes", "gunfire", "fighting", "sniper", "shot", "اشتباكات", "قنص", "رصاص"),
    },
    "target": {
        "market": ("market", "souq", "souk", "سوق"),
        "home": (
            "house",
            "houses",
            "home",
            "homes",
            "residential",
            "building",
            "منزل",
            "منازل",
            "بناء",
            "سكني",
        ),
        "medical": ("hospital", "clinic", "medical", "مشفى", "مستشفى", "عيادة"),
        "school": ("school", "schools", "مدرسة"),
        "mosque": ("mosque", "مسجد", "جامع"),
        "vehicle": ("vehicle", "bus", "truck", "minibus", "سيارة", "حافلة"),
        "water": ("water station", "water plant", "pumping station", "محطة مياه", "محطة ضخ"),
        "power": ("power station", "electricity", "power plant", "محطة كهرباء", "كهرباء"),
        "road": ("road", "highway", "bridge", "طريق", "جسر"),
        "bakery": ("bakery", "bread", "فرن", "مخبز"),
        "farm": ("farm", "farmland", "field", "fields", "مزرعة", "أرض زراعية"),
        "checkpoint": ("checkpoint", "حاجز"),
        "camp": ("camp", "displaced", "مخيم", "نازحين"),
    },
    "time": {
        "morning": ("morning", "dawn", "صباح", "فجر"),
        "afternoon": ("afternoon", "midday", "noon", "ظهر", "عصر"),
        "night": ("night", "overnight", "evening", "ليل", "ليلة", "مساء"),
    },
}


def _named_at(text: str, word: str, latin: bool) -> int:
    """Where ``word`` first stands as a word in ``text`` (lower case), or -1.

    Latin words need a word boundary on both sides; Arabic words carry prefixes (the article,
    "and", "in") joined to them, so they need none. Plain substring search is far faster than
    a regular expression per value (feature derivation for a million reports).
    """
    at = text.find(word)
    if not latin:
        return at
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word) : at + len(word) + 1]
        if not (before.isalnum() or before == "_") and not ("a" <= after <= "z"):
            return at
        at = text.find(word, at + 1)
    return -1


_DETAIL_WORDS = {
    category: [(value, [(w.lower(), not has_arabic(w)) for w in words]) for value, words in values.items()]
    for category, values in DETAIL_LEXICON.items()
}
#: The same, split by script: a text without Arabic letters cannot name an Arabic word, nor a
#: text without Latin letters a Latin one, so most texts search only about half the words.
_DETAIL_WORDS_BY_SCRIPT = {
    latin: {
        category: [
            (value, [(w, is_latin) for w, is_latin in words if is_latin == latin]) for value, words in values
        ]
        for category, values in _DETAIL_WORDS.items()
    }
    for latin in (True, False)
}
_LATIN_LETTER = re.compile("[a-z]")


def text_details(text: str | None) -> dict[str, str | None]:
    """The weapon, target and time of day a description names (the first named of each), else None."""
    found: dict[str, str | None] = dict.fromkeys(DETAIL_LEXICON)
    if not text:
        return found
    lower = text.lower()
    scripts = [
        latin for latin in (True, False) if (_LATIN_LETTER.search(lower) if latin else has_arabic(lower))
    ]
    for category in _DETAIL_WORDS:
        first: tuple[int, str] | None = None
        for latin in scripts:
            for value, words in _DETAIL_WORDS_BY_SCRIPT[latin][category]:
                for word, _ in words:
                    # Most words are absent: one plain search settles them without a call.
                    at = lower.find(word)
                    if at >= 0 and latin:
                        at = _named_at(lower, word, latin)
                    if at >= 0 and (first is None or at < first[0]):
                        first = (at, value)
        found[category] = first[1] if first else None
    return found
