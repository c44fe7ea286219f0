"""Reports built from the record: the night pack and period trends (issue #16)."""
