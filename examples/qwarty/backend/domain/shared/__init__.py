"""Code shared by all domains."""
