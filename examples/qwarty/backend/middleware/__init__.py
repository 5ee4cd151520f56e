"""Middleware and exception handlers."""
