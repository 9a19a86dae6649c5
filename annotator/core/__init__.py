"""The domain layer: no Qt, no printing. Everything here works from Python and the CLI."""
