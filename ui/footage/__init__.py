"""The Footage dialog: an incident's clips kept as evidence, and the forms that act on them."""
