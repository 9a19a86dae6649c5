"""The project store: one SQLite file, typed ORM models, migrations applied on open."""
