"""The activity log viewer."""
