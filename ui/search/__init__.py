"""The Search panel: every night's incidents by their words, opened on the board or read-only."""
