"""The pure rules of the plan: roll-up, lights, indicators and warnings (contract §2), without Django."""
