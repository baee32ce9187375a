"""Pure rules of the attraction pipeline (招商引资): stages, counting, KPIs, SLA timers. No Django."""
