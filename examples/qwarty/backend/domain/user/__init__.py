"""User domain: A person with an account: collector, curator or administrator."""
