"""The decision log (National Decision Model): append-only decisions, each linked to what it concerns."""
