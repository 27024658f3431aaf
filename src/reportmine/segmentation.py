"""jieba, set up in one place: lazy initialisation, the domain user dictionary, tokenizers.

Every module that needs words (search index, classifiers, retrieval) calls these functions, so
jieba's dictionary is loaded once per process and the domain words are always known.
"""

from __future__ import annotations

import logging
import re
import threading
from importlib import resources

_lock = threading.Lock()
_ready = False
_PUNCT_OR_SPACE = re.compile(r"^[\s\W_]+$")


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                userdict = resources.files("reportmine").joinpath("data/userdict.txt")
                if userdict.is_file():
                    # An open file, not a path: jieba never closes a file it opens itself, and the
                    # ResourceWarning is an error under the test suite's filterwarnings.
                    with resources.as_file(userdict) as path, open(path, "rb") as fh:
                        jieba.load_userdict(fh)
                jieba.initialize()
                _ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    """Words of ``text`` (precise mode), punctuation and spaces dropped.

    Module-level so scikit-learn pipelines can use it as a tokenizer.
    """
    return [w for w in _jieba().lcut(text) if not _PUNCT_OR_SPACE.match(w)]


def search_tokens(text: str) -> list[str]:
    """Words for the full-text index: search mode adds the sub-words of long words.

    Search-mode indexing found 0.98 of relevant rows for Chinese queries, precise mode 0.90
    (MEASURED.md), so the index and the queries are both cut this way.
    """
    return [w for w in _jieba().lcut_for_search(text) if not _PUNCT_OR_SPACE.match(w)]
