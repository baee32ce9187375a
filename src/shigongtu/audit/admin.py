"""The change history is registered in the back office by ``plans.admin``, which can scope it to
the plans a user sees (this app sits below the org tree and cannot)."""
