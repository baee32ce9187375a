"""Pure rules of notifications: kinds, events and their keys, recipients, quiet hours, back-off, digests."""
