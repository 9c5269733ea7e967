"""Pages that are not part of a journey: home, about (credits), health check."""

from flask import Blueprint, render_template

from .auth import public

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    return render_template("home.html")


@bp.get("/about")
@public
def about():
    return render_template("about.html")


@bp.get("/healthz")
@public
def healthz():
    return {"status": "ok"}
