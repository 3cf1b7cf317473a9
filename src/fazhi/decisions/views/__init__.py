"""Pages of the decision-making registers: documents, decisions, counsel, portal catalogues."""
