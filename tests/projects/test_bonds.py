"""Special bonds: the pipeline, quotas, disbursements, expenditures and their checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.projects.models import BondExpenditure
from shigongtu.projects.services.bonds import add_movement, figures, move_bond, save_bond

JULY = time_machine.travel(dt.datetime(2023, 7, 1, 10, tzinfo=dt.UTC))


@pytest.fixture
def bond(cast, project):
    with JULY:
        return save_bond(project, {"requested_amount": "5000", "state": "审核通过", "declared_on": "2023-02-01"},
                         cast.coordinator)


@JULY
def test_a_bond_record_moves_through_the_pipeline(cast, project):
    bond = save_bond(project, {"requested_amount": "0.5亿"}, cast.coordinator)
    assert bond.state == "谋划" and bond.requested_amount == Decimal(5000)
    bond = move_bond(bond, "储备申报", cast.coordinator, on=dt.date(2023, 2, 1))
    assert bond.declared_on == dt.date(2023, 2, 1)
    bond = move_bond(bond, "审核中", cast.coordinator)
    with pytest.raises(InputRejected) as exc:
        move_bond(bond, "已发行", cast.coordinator)
    assert exc.value.problems[0].field == "state"


@JULY
def test_money_moves_the_bond_forward_and_cannot_exceed_what_came_before(cast, bond):
    add_movement(bond, "quota", {"amount": "3000", "date": "2023-03-01", "batch": "第一批"}, cast.coordinator)
    bond.refresh_from_db()
    assert bond.state == "额度已下达"
    with pytest.raises(InputRejected) as exc:
        add_movement(bond, "disbursement", {"amount": "3500", "date": "2023-03-20"}, cast.coordinator)
    assert exc.value.problems[0].field == "amount"
    add_movement(bond, "disbursement", {"amount": "2000", "date": "2023-03-20"}, cast.coordinator)
    with pytest.raises(InputRejected):
        add_movement(bond, "expenditure", {"amount": "2500", "date": "2023-04-20"}, cast.coordinator)
    add_movement(bond, "expenditure", {"amount": "600", "date": "2023-04-20"}, cast.coordinator)
    bond.refresh_from_db()
    assert bond.state == "支出中"
    f = figures(bond, dt.date(2023, 6, 30))
    assert (f.quota, f.disbursed, f.spent, f.progress, f.idle_days) == (
        Decimal(3000), Decimal(2000), Decimal(600), 0.2, (dt.date(2023, 6, 30) - dt.date(2023, 4, 20)).days)


@JULY
def test_nothing_is_spent_before_money_is_paid(cast, bond):
    with pytest.raises(InputRejected) as exc:
        add_movement(bond, "expenditure", {"amount": "1", "date": "2023-04-20"}, cast.coordinator)
    assert exc.value.problems[0].field == "state"
    assert not BondExpenditure.objects.exists()


@JULY
def test_a_movement_dated_in_the_future_or_without_amount_is_refused(cast, bond):
    with pytest.raises(InputRejected) as exc:
        add_movement(bond, "quota", {"amount": "-1", "date": "2023-08-01", "batch": ""}, cast.coordinator)
    assert {p.field for p in exc.value.problems} == {"amount", "date", "batch"}


@JULY
def test_only_coordinators_keep_bond_records(cast, project, bond):
    with pytest.raises(NotAllowed):
        add_movement(bond, "quota", {"amount": "1", "date": "2023-03-01", "batch": "第一批"}, cast.reporter)
    with pytest.raises(NotAllowed):
        save_bond(project, {"notes": "x"}, cast.viewer)
