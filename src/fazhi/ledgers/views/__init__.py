"""The ledgers' pages, one module per register."""
