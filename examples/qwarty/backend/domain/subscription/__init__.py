"""Subscription domain: A user's paid or free subscription to an artist's updates."""
