"""The public side of the register, with no account: send an idea from a piece of work's QR
code or short link, follow it with its tracking code."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ideas", __name__)
