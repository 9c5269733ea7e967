"""Blueprints."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import (
        events_ballot,  # noqa: F401  (an event's ballot, tallies and assisted votes: events)
        plans,  # noqa: F401  (the action plan's routes, on the analysis blueprint)
        register_ideas,  # noqa: F401  (ideas, answers, actions: the register blueprint)
        register_plan,  # noqa: F401  (the organisation plan from local events, the same)
        register_report,  # noqa: F401  (the register's list, on the register blueprint)
        register_sources,  # noqa: F401  (ideas from themes and statements, the same)
    )
    from .analysis import bp as analysis_bp
    from .conversation import bp as conversation_bp
    from .ideas import bp as ideas_bp
    from .invitations import bp as invitations_bp
    from .pages import bp as pages_bp
    from .people import bp as people_bp
    from .register import bp as register_bp
    from .reports import bp as reports_bp
    from .respond import bp as respond_bp
    from .staff import bp as staff_bp
    from .translate import bp as translate_bp
    from .users import bp as users_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(conversation_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(translate_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(ideas_bp)
    from .events import bp as events_bp  # local events for staff (and events_ballot's pages)
    app.register_blueprint(events_bp)
    from .voting import bp as voting_bp  # public voting at events, and its poster and cards
    app.register_blueprint(voting_bp)
    from .indicators import bp as indicators_bp  # indicators people chose, over time
    app.register_blueprint(indicators_bp)
    from .audit import bp as audit_bp  # the repeated co-production self-audit
    app.register_blueprint(audit_bp)
    from .organisation import bp as organisation_bp  # settings, services and areas (admins)
    app.register_blueprint(organisation_bp)

    from .auth import can, init_idle_timeout

    init_idle_timeout(app)

    app.jinja_env.globals["can"] = lambda name: can(name)

    from ..nlp.masking import mask_personal

    app.jinja_env.filters["mask"] = mask_personal
    app.jinja_env.globals["mask"] = mask_personal
