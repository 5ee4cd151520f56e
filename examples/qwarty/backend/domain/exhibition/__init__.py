"""Exhibition domain: A show of artworks at a venue, for a period of time."""
