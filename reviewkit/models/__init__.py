"""SQLAlchemy 2.x typed models, one module per aggregate."""

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

__all__ += ["PlanAction", "PlanStatus"]
