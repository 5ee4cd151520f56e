"""One APIRouter per domain, registered in ``backend.main``."""
