"""The backend package: FastAPI app, domains, DTOs and database access."""
