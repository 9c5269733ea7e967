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
