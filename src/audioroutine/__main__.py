"""``python -m audioroutine``: the same command as ``audioroutine``."""

from .cli import app

app(prog_name="audioroutine")
