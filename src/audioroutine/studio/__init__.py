"""``audioroutine studio``: a local web app over the library (make, tune, hear, keep and share routines).

``serve`` starts it on 127.0.0.1; ``app`` puts the Starlette app together; ``guard`` refuses foreign
Host and Origin headers; ``api`` and ``media`` answer the page's requests (docs/studio-api.md);
``jobs`` runs builds and shares in threads; ``catalog`` names routines by id only.
"""
