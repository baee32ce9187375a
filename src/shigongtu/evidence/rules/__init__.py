"""Pure rules of evidence: what a file's bytes are, and whether a photo was taken on site in the month."""
