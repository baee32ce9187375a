"""督办与整改: supervision items followed to 销号 (issue 14)."""
