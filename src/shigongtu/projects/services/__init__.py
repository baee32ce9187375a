"""Writes to the project library (重点项目库), one module per record and one verb per function.

Every function runs in one transaction, validates everything before writing, re-checks the
user's scope inside the transaction (:mod:`.access`), refuses stale versions (Conflict),
records each change with its old → new values in the change history and bumps the plan's
revision. :mod:`.projects` (入库, 信息维护, lifecycle), :mod:`.approvals` (前期手续),
:mod:`.problems` (存在问题), :mod:`.investment` (月度投资 and its review chain) and
:mod:`.bonds` (专项债). The ledger-sized writers live in :mod:`shigongtu.projects.bulk` and
build on the same helpers.
"""
