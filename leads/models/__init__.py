"""The leads app's models, one module per concern; import them from here."""

from leads.models.core import (
    LEAD_SEARCH_DOCUMENT,
    OPEN_LEAD_STATUSES,
    Activity,
    ActivityKind,
    Company,
    EnrichmentRequest,
    EnrichmentStatus,
    ExportLog,
    Lead,
    LeadSource,
    LeadStatus,
    SavedView,
)
from leads.models.duplicates import DuplicateCandidate, DuplicateStatus, LeadMerge
from leads.models.erasure import PersonErasure
from leads.models.imports import ImportFile, ImportMapping, ImportRowError, ImportStatus, LeadImport, OnDuplicate
from leads.models.routing import (
    AssignmentDecision,
    AssignmentMember,
    AssignmentRule,
    LeadSettings,
    LeadSla,
    RepAvailability,
    SlaAction,
)
from leads.models.sequences import Enrollment, EnrollmentStatus, SentEmail, Sequence, SequenceStep

__all__ = [
    "LEAD_SEARCH_DOCUMENT", "OPEN_LEAD_STATUSES", "Activity", "ActivityKind", "AssignmentDecision", "AssignmentMember",
    "AssignmentRule", "Company", "EnrichmentRequest", "EnrichmentStatus", "Enrollment", "EnrollmentStatus",
    "ExportLog", "Lead", "LeadSettings", "LeadSla", "LeadSource", "LeadStatus", "RepAvailability", "SavedView",
    "SentEmail", "Sequence", "SequenceStep", "SlaAction",
]
__all__ += ["ImportFile", "ImportMapping", "ImportRowError", "ImportStatus", "LeadImport", "OnDuplicate"]
__all__ += ["DuplicateCandidate", "DuplicateStatus", "LeadMerge"]
__all__ += ["PersonErasure"]
