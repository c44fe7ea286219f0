"""Geography from files: an imported road network that replaces the shipped street layer."""
