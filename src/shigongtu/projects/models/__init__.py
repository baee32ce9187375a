"""The project library's records: projects, their approvals, reports, problems and special bonds."""

from shigongtu.projects.models.bond import BondDisbursement, BondExpenditure, BondProject, BondQuota, BondStateChange
from shigongtu.projects.models.project import (
    ApprovalItem,
    Project,
    ProjectProblem,
    ProjectQuerySet,
    ProjectSettings,
    StageChange,
)
from shigongtu.projects.models.report import InvestmentReport, InvestmentTotal

__all__ = [
    "ApprovalItem",
    "BondDisbursement",
    "BondExpenditure",
    "BondProject",
    "BondQuota",
    "BondStateChange",
    "InvestmentReport",
    "InvestmentTotal",
    "Project",
    "ProjectProblem",
    "ProjectQuerySet",
    "ProjectSettings",
    "StageChange",
]
