"""All models, imported here so Alembic and the app see every table."""
from .agencies import (
    AgencyProfile,
    AgencyService,
    AgencyStaff,
    Mandate,
    MandateEvent,
    MandateScope,
    StaffQualification,
)
from .agency_register import (
    AgencyComplaint,
    AgencyCreditNote,
    AgencyEvaluation,
    AgencyStatusEvent,
    EvaluationCriterion,
)
from .audit import AuditEvent
from .custody import CustodyAgreement, CustodyEvent
from .deals import Deal, DealEvent, DealMessage, DealState, PaymentScheduleItem, ScheduleStatus
from .demands import (
    OPEN_DEMAND_STATES,
    Demand,
    DemandAnswer,
    DemandEvent,
    DemandMatch,
    DemandState,
    DemandVisibility,
)
from .engagement import AnswerVisibility, ListingFollow, ListingQuestion
from .exhibitions import (
    Exhibition,
    ExhibitionLead,
    ExhibitionListing,
    ExhibitionOrganisation,
    RoadshowSignup,
)
from .imports import ImportPreview
from .ledger import LedgerEntry
from .ledger_stats import STATS_INDEXES  # noqa: F401
from .legal_status import (
    LegalStatusEvent,
    LegalStatusProof,
    PatentStatusCheck,
    ProofState,
    VerificationSource,
)
from .listings import (
    Attachment,
    EvaluationReport,
    LegalStatus,
    LicenceKind,
    ListingChange,
    ListingStatus,
    Offer,
    OfferKind,
    Patent,
    PatentType,
    SearchOutbox,
)
from .mail_prefs import DigestItem, MailDigest, NotificationPreference
from .notifications import Notification
from .orgs import (
    BUYER_KINDS,
    DISTRICTS,
    BusinessLicenceScan,
    LoginThrottle,
    Membership,
    Organisation,
    OrgKind,
    OrgStatus,
    SmeSize,
    User,
)
from .outbox import OutboxEmail
from .payments import (
    Payee,
    Payment,
    PaymentProvider,
    PaymentStatus,
    PaymentVoucher,
    Payout,
    WebhookEvent,
)
from .pledges import ApiToken, PledgeDeal, PledgedPatent, PledgeeConsent
from .royalties import AssignmentRegistration, RoyaltyReport
from .searches import SavedSearch, SavedSearchMatch
from .signing import ContractDocument, ContractVersion, Signature
from .tech_contracts import TechContractRegistration

__all__ = [
    "AgencyComplaint", "AgencyCreditNote", "AgencyEvaluation", "AgencyStatusEvent",
    "CustodyAgreement", "CustodyEvent", "EvaluationCriterion",
    "AgencyProfile", "AgencyService", "AgencyStaff", "Mandate", "MandateEvent", "MandateScope",
    "StaffQualification", "AnswerVisibility",
    "ApiToken", "AssignmentRegistration", "Attachment", "AuditEvent", "BusinessLicenceScan",
    "ContractDocument",
    "ContractVersion", "DISTRICTS",
    "Deal", "DealEvent", "Demand", "DemandAnswer", "DemandEvent", "DemandMatch",
    "DemandState", "DemandVisibility", "OPEN_DEMAND_STATES", "DealMessage", "DealState",
    "DigestItem", "EvaluationReport", "Exhibition", "ExhibitionLead",
    "ExhibitionListing", "ExhibitionOrganisation",
    "ImportPreview", "LedgerEntry", "LegalStatusEvent", "LegalStatusProof", "MailDigest",
    "LegalStatus", "LicenceKind", "ListingChange", "ListingFollow", "ListingQuestion", "ListingStatus", "LoginThrottle",
    "BUYER_KINDS", "Membership",
    "Notification", "NotificationPreference", "Offer", "OfferKind", "Organisation", "OrgKind",
    "OrgStatus", "OutboxEmail",
    "PatentStatusCheck", "PatentType", "Patent", "ProofState",
    "Payee", "Payment", "PaymentProvider", "PaymentScheduleItem",
    "PaymentStatus", "PaymentVoucher", "Payout",
    "PledgeDeal", "PledgedPatent", "PledgeeConsent", "RoadshowSignup", "RoyaltyReport",
    "SavedSearch", "SavedSearchMatch", "ScheduleStatus", "SearchOutbox", "Signature", "SmeSize",
    "TechContractRegistration", "User", "VerificationSource",
    "WebhookEvent",
]
