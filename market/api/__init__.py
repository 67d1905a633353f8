"""JSON API blueprints (``/api/v1/...``)."""
