"""SQLAlchemy 2.x typed models, one module per aggregate.

The register's rows (``__versioned__``) keep their history through SQLAlchemy-Continuum, set up
here before any model is defined (see :mod:`reviewkit.models.history`)."""

from . import history  # noqa: F401  (before the models: Continuum must see them defined)
from .banks import BankVersion
from .org import Area, Organisation, Service
from .responses import Answer, Response
from .surveys import Invitation, Survey

__all__ = [
    "Answer", "Area", "BankVersion", "Invitation", "Organisation", "Response", "Service", "Survey",
]

from .users import Role, User  # noqa: E402

__all__ += ["Role", "User"]
from .people import AccessLog, Consent, Person  # noqa: E402
from .reviews import Action, Contributor, Review, Statement  # noqa: E402
from .themes import ThemeAssignment, ThemeEdit, ThemeSet  # noqa: E402

__all__ += ["AccessLog", "Action", "Consent", "Contributor", "Person", "Review", "Statement",
            "ThemeAssignment", "ThemeEdit", "ThemeSet"]
from .plans import PlanAction, PlanStatus  # noqa: E402
from .register import (  # noqa: E402
    Credit,
    Decision,
    Idea,
    IdeaAnswer,
    IdeaSource,
    Investigation,
    Partner,
    Signature,
    Work,
    WorkKind,
    WorkPart,
    WorkReview,
)

__all__ += ["Credit", "Decision", "Idea", "IdeaAnswer", "IdeaSource", "Investigation",
            "Partner", "PlanAction", "PlanStatus", "Signature", "Work", "WorkKind", "WorkPart",
            "WorkReview"]

from .events import (  # noqa: E402
    Ballot,
    BallotItem,
    Channel,
    Event,
    TallyCount,
    TallySheet,
    Vote,
    VotingCode,
    VotingMethod,
    VotingState,
)

__all__ += ["Ballot", "BallotItem", "Channel", "Event", "TallyCount", "TallySheet", "Vote",
            "VotingCode", "VotingMethod", "VotingState"]

from .indicators import Indicator, IndicatorValue  # noqa: E402

__all__ += ["Indicator", "IndicatorValue"]

from .saved_files import SavedFile  # noqa: E402

__all__ += ["SavedFile"]

history.configure()  # last: every model is defined
