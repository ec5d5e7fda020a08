"""Arabic personal names in the Latin spelling people use for them.

Arabic script leaves short vowels out, so reading a name letter by letter gives "Fisl Bn Frhan" for
فيصل بن فرحان and "Iimanuil Makrun" for إيمانويل ماكرون. ``arabic-name-romanizer`` (UNICEF, MIT, offline)
looks each part of a name up among ~60,000 spellings attested in Wikidata and falls back to a small
character model for parts nobody spelled: "Faisal bin Farhan", "Emmanuel Makroun". A card shows the
result beside the original (:func:`tidings.tell.who.latin_shown`); norms and grouping never read it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Threads of the name model's ONNX session: one, as every numeric library here (the machine's processes
#: are the parallelism; see tidings.workers).
MODEL_THREADS = 1


@lru_cache(maxsize=1)
def _transliterator() -> Any:
    """The romanizer with its dictionary and a one-thread model, loaded once (~0.3 s)."""
    from arabic_name_romanizer.api import Transliterator, default_resources_dir
    from arabic_name_romanizer.inference import OnnxModel

    return Transliterator(model=OnnxModel(default_resources_dir(), intra_op_threads=MODEL_THREADS),
                          auto_load_model=False)


@lru_cache(maxsize=8192)
def arabic_latin(name: str) -> str | None:
    """The likeliest Latin spelling of an Arabic-script personal name, or None when it cannot be read."""
    try:
        found = _transliterator().transliterate(name)
    except Exception:  # a broken or missing model must not break a card: the caller falls back to a reading
        return None
    text = str(getattr(found, "text", found) or "").strip()
    return text or None
