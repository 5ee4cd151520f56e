"""Artwork domain: A work of art made by an artist."""
