"""Present stage: exports, tallies and charts of the ledger (the web UI and report come later)."""
