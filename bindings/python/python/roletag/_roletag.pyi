"""Type stubs of the Rust extension module ``roletag._roletag`` (use :class:`roletag.Tagger`)."""

from typing import Any, Dict, List, Optional, Tuple

__version__: str

class Engine:
    """A compiled lexicon with thresholds and options; thread-safe."""

    def __init__(
        self,
        lexicon_text: Optional[str] = None,
        lexicon_path: Optional[str] = None,
        *,
        mask_titles: bool = False,
        negation: bool = True,
        boilerplate: bool = True,
        blend_margin: Optional[float] = None,
        min_evidence: Optional[float] = None,
        length_exponent: Optional[float] = None,
        min_terms: Optional[int] = None,
        blend_floor: Optional[float] = None,
    ) -> None: ...
    def axes(self) -> List[str]:
        """The axis names, in lexicon order."""
    def info(self) -> List[Tuple[str, str]]:
        """The lexicon's name, version, source and hash, and the thresholds, as strings."""
    def tag_json(self, texts: List[Any], threads: Optional[int] = None) -> bytes:
        """The JSON objects of the report for ``texts``, as one JSON array, in order."""
    def tag_dicts(self, texts: List[Any], threads: Optional[int] = None) -> List[Dict[str, Any]]:
        """The report's objects for ``texts`` as dicts, in order: what ``json.loads`` gives
        for :meth:`tag_json`, built directly."""
    def tag_flat(
        self, columns: List[List[Any]], names: List[str], top: int = 5, threads: Optional[int] = None
    ) -> List[Tuple[Any, ...]]:
        """``[(validity bitmap, tagged rows), (name, kind, data), ...]`` for the rows whose
        text is the non-blank values of ``columns`` joined by a blank line."""
    def flat_schema(self) -> List[Tuple[str, str]]:
        """``(name, kind)`` of the flat result columns, in order."""
