"""Pages that are not part of a journey: home, about (credits), health check, an organisation's
"you said, we did"."""

from flask import Blueprint, abort, render_template

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


@bp.get("/o/<slug>/you-said-we-did")
@public
def you_said_we_did(slug: str):
    """An organisation's public "you said, we did" page: done actions with a public sentence
    (theme, sentence, month done); never a count or a name."""
    from ..services.plans import public_record

    organisation, months = public_record(slug)
    if organisation is None:
        abort(404)
    return render_template("you_said_we_did.html", organisation=organisation, months=months)
