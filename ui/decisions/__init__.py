"""The Decisions dock: record, revise, read and print decisions, keyboard-first."""
