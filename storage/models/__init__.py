"""The tables. Migrations create them; production code never calls create_all."""

from storage.models.base import NAMING, Base
from storage.models.ledger import (
    AuditRow,
    OutboxRow,
    ProcessedUpdateRow,
)
from storage.models.lessons import (
    BookingPlaceRow,
    BookingRow,
    BusyCalendarRow,
    SeriesOccurrenceRow,
    SeriesRow,
    SlotRow,
    TeacherPlaceRow,
    TimeOffRow,
    WaitlistEntryRow,
    WindowPlaceRow,
    WindowRow,
)
from storage.models.people import (
    AccountRow,
    ApiKeyRow,
    FeedTokenRow,
    GuardianRow,
    GuardianRuleRow,
    ShareLinkRow,
    StudentEmailRow,
    StudentRow,
    TeacherRow,
)

__all__ = [
    "NAMING",
    "AccountRow",
    "ApiKeyRow",
    "AuditRow",
    "Base",
    "BookingPlaceRow",
    "BookingRow",
    "BusyCalendarRow",
    "FeedTokenRow",
    "GuardianRow",
    "GuardianRuleRow",
    "OutboxRow",
    "ProcessedUpdateRow",
    "SeriesOccurrenceRow",
    "SeriesRow",
    "ShareLinkRow",
    "SlotRow",
    "StudentEmailRow",
    "StudentRow",
    "TeacherPlaceRow",
    "TeacherRow",
    "TimeOffRow",
    "WaitlistEntryRow",
    "WindowPlaceRow",
    "WindowRow",
]
