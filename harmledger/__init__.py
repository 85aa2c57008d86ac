"""harmledger: turn web reports about armed conflict into an evidence-grade ledger of civilian harm.

The pipeline, one module or package per stage, data flowing one way over one typed model
(:mod:`harmledger.model`):

    ingest (read documents) -> segment (report units, comment threads) -> extract (claims) -> geo (places)
    -> react (comments) -> store (ledger) -> resolve (incidents) -> present (exports, report, web)

Python API (mirrors the CLI)::

    import harmledger
    claims = harmledger.extract("Russian warplanes kill 12 civilians in Idlib", published="2016-02-03")
    for doc in harmledger.read(["reports/"]):
        ...
    for reaction in harmledger.react(harmledger.read(["page.html"])):
        print(reaction.stance, reaction.evidence)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .extract import Extractor, extract, extract_documents  # noqa: E402
from .ingest import ReadError, read  # noqa: E402
from .model import Claim, Comment, Count, DateRef, Document, Mention, Place, Reaction, Unit  # noqa: E402
from .react import Reactor, react, summarize  # noqa: E402
from .segment import segment  # noqa: E402

__all__ = ["Claim", "Comment", "Count", "DateRef", "Document", "Extractor", "Mention", "Place", "Reaction",
           "Reactor", "ReadError", "Unit", "__version__", "extract", "extract_documents", "react", "read", "segment",
           "summarize"]
