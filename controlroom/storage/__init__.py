"""Storage: typed tables, engines for SQLite and PostgreSQL, migrations."""
