"""reportmine's HTTP API and web UI: ``create_app(db_path)`` returns the FastAPI app."""

from .app import create_app

__all__ = ["create_app"]
