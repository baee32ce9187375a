"""Correcting recorded bond money: a disbursement's voucher number (凭证号) makes a correction edit, never duplicate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.projects.models import BondDisbursement
from shigongtu.projects.services.bonds import add_movement, figures, save_bond, update_movement

JULY = time_machine.travel(dt.datetime(2023, 7, 1, 10, tzinfo=dt.UTC))


@pytest.fixture
def funded(cast: Any, project: Any) -> Any:
    with JULY:
        bond = save_bond(project, {"requested_amount": "5000", "state": "审核通过", "declared_on": "2023-02-01"},
                         cast.coordinator)
        add_movement(bond, "quota", {"amount": "3000", "date": "2023-03-01", "batch": "第一批"}, cast.coordinator)
        add_movement(bond, "disbursement", {"amount": "1000", "date": "2023-03-20", "reference": "记-0318"},
                     cast.coordinator)
        bond.refresh_from_db()
        return bond


@JULY
def test_a_disbursement_entered_again_with_its_voucher_number_corrects_it(cast: Any, funded: Any) -> None:
    add_movement(funded, "disbursement", {"amount": "1200", "date": "2023-03-21", "reference": "记-0318"},
                 cast.coordinator)
    rows = list(BondDisbursement.objects.filter(bond=funded).values_list("reference", "amount"))
    assert rows == [("记-0318", Decimal(1200))]
    assert figures(funded, dt.date(2023, 6, 30)).disbursed == Decimal(1200)
    assert AuditEntry.objects.filter(action="disbursement_update").get().changes["amount"] == ["1000", "1200"]


@JULY
def test_update_movement_edits_with_the_bonds_version(cast: Any, funded: Any) -> None:
    row = BondDisbursement.objects.get(bond=funded)
    update_movement(row, {"amount": "900"}, cast.coordinator, expected_version=funded.version)
    row.refresh_from_db()
    assert row.amount == Decimal(900)
    with pytest.raises(Conflict):
        update_movement(row, {"amount": "800"}, cast.coordinator, expected_version=funded.version)


@JULY
def test_a_correction_is_checked_like_new_money(cast: Any, funded: Any) -> None:
    row = BondDisbursement.objects.get(bond=funded)
    with pytest.raises(InputRejected) as exc:
        update_movement(row, {"amount": "3500"}, cast.coordinator)
    assert exc.value.problems[0].field == "amount"
    quota = funded.quotas.get()
    with pytest.raises(InputRejected):
        update_movement(quota, {"amount": "500"}, cast.coordinator)  # below what was already paid out
    with pytest.raises(InputRejected):
        update_movement(row, {"date": "2023-08-01"}, cast.coordinator)
    row.refresh_from_db()
    assert row.amount == Decimal(1000)


@JULY
def test_a_voucher_number_cannot_move_onto_another_disbursement(cast: Any, funded: Any) -> None:
    other = add_movement(funded, "disbursement", {"amount": "100", "date": "2023-04-01", "reference": "记-0401"},
                         cast.coordinator)
    with pytest.raises(InputRejected) as exc:
        update_movement(other, {"reference": "记-0318"}, cast.coordinator)
    assert exc.value.problems[0].field == "reference"


@JULY
def test_only_coordinators_correct_money(cast: Any, funded: Any) -> None:
    row = BondDisbursement.objects.get(bond=funded)
    with pytest.raises(NotAllowed):
        update_movement(row, {"amount": "900"}, cast.reporter)
