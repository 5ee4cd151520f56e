"""Database engines, sessions and column types."""
