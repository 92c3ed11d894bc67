"""``perfrules serve``: the HTTP scoring service and the browser workbench.

:func:`create_app` builds the ASGI application from a :class:`ServeConfig`;
``perfrules serve`` runs it with uvicorn.  See docs/service.md.
"""

from .app import create_app
from .config import Limits, ServeConfig

__all__ = ["Limits", "ServeConfig", "create_app"]
