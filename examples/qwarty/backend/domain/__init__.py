"""Domains: one package per domain (model, repository, service)."""
