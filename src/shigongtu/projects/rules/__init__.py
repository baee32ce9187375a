"""Rules of the project library (重点项目库) over plain values: no Django, no ORM.

One module per topic: :mod:`.stages` (the lifecycle, 项目阶段, and its allowed moves),
:mod:`.approvals` (the 前期手续 checklist and readiness to start, 具备开工条件), :mod:`.dates`
(calendar arithmetic the lights share), :mod:`.lights` (the thresholds and the 开工 / 入库 /
投资 lights) and :mod:`.bonds` (the special-bond pipeline, 专项债, and its money lights). The
API, pages, CLI, indicators, warnings and benchmarks all decide through these functions.
"""
