"""Search across every night: full-text search over incidents, its filters and exports."""
