"""``shigongtu audit verify [--anchors FILE]`` and ``shigongtu audit anchor -o FILE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from shigongtu.audit import anchoring
from shigongtu.audit.verify import Verdict, append_anchor, verify_history
from shigongtu.cli.command import ShigongtuCommand


def describe(verdict: Verdict) -> list[str]:
    """The verdict as lines for people (the first says ok or TAMPERED)."""
    lines = []
    if verdict.ok:
        lines.append(f"ok: {verdict.entries} entries, chain intact")
    else:
        lines.append(f"TAMPERED: {len(verdict.problems())} problem(s) in {verdict.entries} entries")
    if verdict.legacy:
        lines.append(f"entries #1–#{verdict.legacy}: legacy, unkeyed (plain SHA-256, written before the key); "
                     f"keyed from #{verdict.legacy + 1}")
    if verdict.anchors_checked:
        lines.append(f"anchors checked: {verdict.anchors_checked}")
    if verdict.figures_checked:
        lines.append(f"figures replayed against the history: {', '.join(verdict.figures_checked)}")
    lines += [f"  - {p}" for p in verdict.problems()]
    lines.append(f"time: {verdict.seconds:.2f} s")
    return lines


class Command(ShigongtuCommand):
    help = "Check the change history (chain, head, anchors, figures) or anchor its head outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the chain, the head and the figures; exit 1 if tampered")
        verify.add_argument("--anchors", metavar="FILE", help="a file written by `audit anchor`")
        verify.add_argument("--json", action="store_true")
        anchor = sub.add_parser("anchor", help="append the history's head to FILE (kept outside the database)")
        anchor.add_argument("-o", "--output", required=True, metavar="FILE")
        anchor.add_argument("--url", help="also POST the head here (default: SHIGONGTU_ANCHOR_URL)")
        anchor.add_argument("--email", action="append", metavar="ADDRESS",
                            help="also mail the head here (repeatable; default: SHIGONGTU_ANCHOR_EMAIL)")
        anchor.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        if options["action"] == "anchor":
            self.anchor(**options)
            return
        anchors = options.get("anchors")
        if anchors and not Path(anchors).is_file():
            raise CommandError(f"anchor file not found: {anchors}", returncode=2)
        verdict = verify_history(Path(anchors) if anchors else None)
        if options.get("json"):
            self.emit(verdict.document())
        else:
            out = self.stdout if verdict.ok else sys.stderr
            for line in describe(verdict):
                out.write(line + "\n")
        if not verdict.ok:
            sys.exit(1)

    def anchor(self, **options: Any) -> None:
        """Append the head to the file, then send it to the URL / mailboxes; exit 1 if a send failed."""
        path = Path(options["output"])
        try:
            anchor = append_anchor(path)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc}") from exc
        sent = anchoring.from_settings(anchor, url=options.get("url"), recipients=options.get("email"))
        if options.get("json"):
            self.emit({"seq": anchor.seq, "fingerprint": anchor.fingerprint, "at": anchor.at, "file": str(path),
                       "sent": sent.delivered, "errors": sent.errors, "ok": sent.ok})
        else:
            self.stdout.write(f"anchored #{anchor.seq} {anchor.fingerprint} at {anchor.at} → {path}")
            for where in sent.delivered:
                self.stdout.write(f"sent → {where}")
        for problem in sent.errors:
            sys.stderr.write(f"error: {problem} (the anchor is in {path})\n")
        if not sent.ok:
            sys.exit(1)
