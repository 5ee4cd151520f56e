"""Request and response DTOs, one module per domain."""
