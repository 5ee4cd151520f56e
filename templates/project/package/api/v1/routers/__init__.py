"""One APIRouter per domain, registered in ``{{ package }}.main``."""
