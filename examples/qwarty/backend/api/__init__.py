"""HTTP layer: versioned routers."""
