"""Extract stage: claims with evidence spans (see :mod:`harmledger.extract.claims`)."""

from .claims import Extractor, extract, extract_documents, get_extractor

__all__ = ["Extractor", "extract", "extract_documents", "get_extractor"]
