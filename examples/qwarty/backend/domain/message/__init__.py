"""Message domain: A private message from one user to another."""
