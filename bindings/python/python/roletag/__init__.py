"""roletag: tag job postings as cio-like, cto-like, blended or unclassified, with the evidence.

The Python face of the roletag engine (written in Rust). A :class:`Tagger` holds a compiled
lexicon; it tags one text (:meth:`Tagger.tag`), a list of texts in parallel
(:meth:`Tagger.tag_many`), or the text columns of an Arrow batch (:meth:`Tagger.tag_arrow`).
:func:`roletag.pandas.tag_frame` tags a pandas DataFrame and :func:`roletag.spark.tag_dataframe`
a Spark DataFrame (``mapInArrow``, so it works on Spark Connect).

Every result is what ``roletag scan --format jsonl`` writes for a record with the same text,
number for number, without ``path`` (a text has no file). Bad input never raises and never
loses a row: ``None``, a value that is not a ``str``, a text with a lone surrogate or a
blank text is that row's ``error``.

>>> import roletag
>>> tagger = roletag.Tagger()
>>> r = tagger.tag("Own the ERP roadmap, the service desk and the IT budget; "
...                "keep internal systems reliable for finance and HR.")
>>> r["label"], r["score"] < 0
('cio-like', True)
"""

from __future__ import annotations

import gc
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from ._roletag import Engine as _Engine
from ._roletag import __version__

__all__ = ["Tagger", "LABELS", "__version__"]

#: The four labels, as the JSON report spells them.
LABELS = ("cio-like", "cto-like", "blended", "unclassified")

#: The text columns joined by default, as ``roletag scan`` joins a record's title and description.
DEFAULT_TEXT = ("title", "description")

LexiconArg = Union[str, "os.PathLike[str]", None]


class Tagger:
    """A compiled lexicon with its thresholds: build once, tag many times (thread-safe).

    Args:
        lexicon: ``None`` for the default lexicon embedded in roletag; a path
            (``str`` or ``os.PathLike``) to a lexicon TOML file; or the TOML text itself
            (a ``str`` with a line break). The ``ROLETAG_LEXICON`` environment variable is
            not read: pass ``os.environ.get("ROLETAG_LEXICON")`` to honour it.
        mask_titles: replace job titles with ``[role]`` before tagging (``--mask-titles``).
        negation: ignore negated matches ("no ERP experience"); ``False`` is ``--no-negation``.
        boilerplate: ignore matches in boilerplate (about us, benefits, equal opportunity);
            ``False`` is ``--no-boilerplate``.
        blend_margin, min_evidence, length_exponent, min_terms, blend_floor: override the
            lexicon's thresholds, as the CLI flags of the same names do (``--blend-floor``, ...).

    Raises:
        OSError: the lexicon file cannot be read.
        ValueError: the lexicon is invalid (the message lists every problem with its
            line), or a threshold is out of range.
    """

    def __init__(
        self,
        lexicon: LexiconArg = None,
        *,
        mask_titles: bool = False,
        negation: bool = True,
        boilerplate: bool = True,
        blend_margin: Optional[float] = None,
        min_evidence: Optional[float] = None,
        length_exponent: Optional[float] = None,
        min_terms: Optional[int] = None,
        blend_floor: Optional[float] = None,
    ) -> None:
        options: Dict[str, Any] = dict(
            mask_titles=mask_titles,
            negation=negation,
            boilerplate=boilerplate,
            blend_margin=blend_margin,
            min_evidence=min_evidence,
            length_exponent=length_exponent,
            min_terms=min_terms,
            blend_floor=blend_floor,
        )
        text, path = _lexicon_source(lexicon)
        self._engine = _Engine(text, path, **options)
        if path is not None:
            # Kept so that Spark executors, which may not see this file, get the same lexicon.
            with open(path, encoding="utf-8") as f:
                text = f.read()
        self._config = (text, tuple(sorted(options.items())))

    @property
    def axes(self) -> List[str]:
        """The lexicon's axis names, in order (``focus``, ``financial``, ...)."""
        return self._engine.axes()

    @property
    def lexicon_info(self) -> Dict[str, str]:
        """The lexicon's ``name``, ``version``, ``source`` and ``hash``, and the
        thresholds in force, as strings (the header of ``roletag scan --format json``)."""
        return dict(self._engine.info())

    def tag(self, text: Any) -> Dict[str, Any]:
        """Tags one posting's text.

        Returns the posting object of the JSON report: ``schema_version``, ``label``,
        ``score``, ``confidence``, ``cio``, ``cto``, ``core_evidence``, ``axes``,
        ``evidence``, ``words``, ``coverage`` and ``ignored``; or ``schema_version`` and
        ``error`` when the text cannot be tagged (``None``, not a ``str``, a lone
        surrogate, blank). Never raises for bad text.
        """
        return self.tag_many([text], threads=1)[0]

    def tag_many(self, texts: Iterable[Any], threads: Optional[int] = None) -> List[Dict[str, Any]]:
        """Tags many texts in parallel (in Rust, with the GIL released) and returns one
        dict per text, in order (see :meth:`tag`).

        The dicts are built in Rust while the workers tag the next texts. Python's
        cyclic garbage collector is paused during the call (the new dicts are not
        garbage) and left as it was found.

        Args:
            texts: any iterable of texts; each bad item is its own result's ``error``.
            threads: worker threads; ``None`` uses every core (rayon's global pool).
        """
        if not isinstance(texts, list):
            texts = list(texts)
        # Hundreds of thousands of small dicts and lists are made here at once, none
        # of them garbage: the cyclic collector would walk them again and again as
        # they come. It is paused for the call (as it was found) and left as it was.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._engine.tag_dicts(texts, threads)
        finally:
            if was_enabled:
                gc.enable()

    def tag_arrow(
        self,
        batch: Any,
        text_columns: Sequence[str] = DEFAULT_TEXT,
        keep: Optional[Sequence[str]] = None,
        *,
        top: int = 5,
        threads: Optional[int] = None,
    ) -> Any:
        """Tags the rows of a ``pyarrow.RecordBatch`` (or ``pyarrow.Table``) and returns one of
        the same kind, with one row per input row, in order.

        A row's text is its non-null, non-blank ``text_columns`` values joined by a blank line,
        as ``roletag scan`` joins a record's title and description. The result holds the
        ``keep`` columns of the input as they are (``None``: every input column, ``[]``: none),
        then ``label``, ``score``, ``confidence``, ``cio``, ``cto``, ``core_evidence``, one
        ``<axis>_cio``/``<axis>_cto`` pair per axis, ``words``, ``coverage``, ``top_terms``
        (the ``top`` strongest evidence terms) and ``error`` (null unless the row failed; the
        other result columns are then null).

        Raises:
            KeyError: a text or keep column is not in the batch.
            ValueError: a kept column has the name of a result column.
        """
        from . import _arrow

        return _arrow.tag_arrow(self, batch, text_columns, keep, top=top, threads=threads)

    def arrow_schema(self, input_schema: Any = None, keep: Optional[Sequence[str]] = None) -> Any:
        """The ``pyarrow.Schema`` :meth:`tag_arrow` returns for input of ``input_schema``."""
        from . import _arrow

        return _arrow.result_schema(self, input_schema, keep)

    def __repr__(self) -> str:
        info = self.lexicon_info
        return f"roletag.Tagger(lexicon={info['name']!r} {info['version']!r}, source={info['source']!r})"


def _lexicon_source(lexicon: LexiconArg):
    """(TOML text, path): a str with a line break is TOML text, any other str a path."""
    if lexicon is None:
        return None, None
    if isinstance(lexicon, os.PathLike):
        return None, os.fspath(lexicon)
    if isinstance(lexicon, str):
        return (lexicon, None) if "\n" in lexicon else (None, lexicon)
    raise TypeError(f"lexicon: expected a path, TOML text or None, got {type(lexicon).__name__}")


def _tagger_from_config(config) -> Tagger:
    """A Tagger rebuilt from ``Tagger._config`` (on a Spark executor)."""
    text, options = config
    tagger = Tagger.__new__(Tagger)
    tagger._engine = _Engine(text, None, **dict(options))
    tagger._config = config
    return tagger
