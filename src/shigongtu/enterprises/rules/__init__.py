"""Pure rules of the enterprise registry: tiers and their lifecycle, eligibility, targets. No Django."""
