"""Notification domain: Something a user should know about: a message, a new follower."""
