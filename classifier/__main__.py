"""``python -m classifier``: the ptcode command line."""

from .cli import run

run()
