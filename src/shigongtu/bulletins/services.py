"""Issuing and fetching bulletins: the one place that renders, numbers, stores and audits.

- A draft is rendered live: :func:`render_draft` (what the data says now).
- :func:`issue` freezes a period: next number of the plan's year, content snapshot, the three
  files stored as rendered, one audit entry. A period already issued is refused unless
  ``correct`` is asked for, which issues a correction (更正) with a new number and marks the
  earlier bulletin superseded.
- :func:`document` is what the CLI, API and pages download: the issued file for the period
  when there is one, else the live draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.audit.verify import current_anchor
from shigongtu.bulletins import charts, render_docx, render_pdf, render_xlsx
from shigongtu.bulletins.content import BulletinContent, build_content, issuing_office
from shigongtu.bulletins.masthead import Masthead
from shigongtu.bulletins.models import Bulletin
from shigongtu.lib.errors import InputRejected, NotAllowed, ValueProblem
from shigongtu.lib.periods import Period, parse_period
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import reporting_deadline
from shigongtu.plans.services import actor_name

FORMATS = ("docx", "xlsx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PdfUnavailable = render_pdf.PdfUnavailable


class FileUnavailable(Exception):
    """The bulletin has no file in that format (a PDF when it could not be typeset at issue)."""


def read_period(plan: Plan, raw: object) -> Period:
    """The month a bulletin is about: ``YYYY-MM`` (or another month form), inside the plan year."""
    if raw in (None, ""):
        raise InputRejected("缺少通报月份（YYYY-MM）", field="period", value=raw)
    try:
        period = raw if isinstance(raw, Period) else parse_period(raw)
    except ValueProblem as exc:
        raise InputRejected(f"通报月份：{exc}", field="period", value=str(raw)) from None
    if period.year != plan.year:
        raise InputRejected(f"通报月份{period.label_zh}不在施工图{plan.code}的年度（{plan.year}年）内",
                            field="period", value=period.key)
    return period


def read_format(raw: str) -> str:
    fmt = (raw or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputRejected(f"不支持的格式「{raw}」，可用：docx、xlsx、pdf", field="format", value=raw)
    return fmt


def render(content: BulletinContent, mast: Masthead, fmt: str, images: dict[str, bytes] | None = None) -> bytes:
    """The bytes of ``content`` in ``fmt``."""
    if fmt == "xlsx":
        return render_xlsx.render(content, mast)
    images = charts.render_all(content.charts()) if images is None else images
    if fmt == "docx":
        return render_docx.render(content, mast, images)
    return render_pdf.render(content, mast, images)


def current(plan: Plan, period: Period) -> Bulletin | None:
    """The issued (not superseded) bulletin of the period, if any."""
    return Bulletin.objects.filter(plan=plan, period=period.key, status=Bulletin.Status.ISSUED).first()


def draft_date(plan: Plan, period: Period) -> dt.date:
    """The date a draft of ``period`` carries: the month's report deadline (the plan's
    deadline day of the following month), when the bulletin is due to go out — never the
    day someone happens to preview a past month."""
    return reporting_deadline(plan, period)


def draft_masthead(plan: Plan, period: Period, date: dt.date | None = None, issuer: str | None = None) -> Masthead:
    """The 版头 of an unnumbered draft: dated :func:`draft_date` unless a date is given."""
    return Masthead(None, date or draft_date(plan, period), issuer or issuing_office(plan))


def masthead_of(bulletin: Bulletin) -> Masthead:
    return Masthead(bulletin.number, bulletin.doc_date, bulletin.issuer,
                    bulletin.corrects.number if bulletin.corrects_id and bulletin.corrects else None,
                    bulletin.history_seq, bulletin.history_fingerprint)


def render_draft(plan: Plan, period: Period, fmt: str, *, date: dt.date | None = None,
                 issuer: str | None = None) -> bytes:
    """The live draft of the period in ``fmt`` (草稿: no number)."""
    content = build_content(plan, period, issuer)
    return render(content, draft_masthead(plan, period, date, content.issuer), fmt)


@dataclass
class Document:
    """A bulletin file to hand out: its bytes, format, download name, and the issued bulletin
    it is (None for a draft)."""

    data: bytes
    fmt: str
    name: str
    bulletin: Bulletin | None


def filename(plan: Plan, period: str, fmt: str, number: int | None = None) -> str:
    """``JY-2023-2023-06-调度通报第6期.docx`` / ``…-调度通报（草稿）.docx``."""
    label = f"第{number}期" if number else "（草稿）"
    return f"{plan.code}-{period}-调度通报{label}.{fmt}"


def stored_file(bulletin: Bulletin, fmt: str) -> bytes:
    data = bulletin.file(fmt)
    if data is None:
        raise FileUnavailable(f"第{bulletin.number}期印发时未生成{fmt.upper()}文件")
    return data


def document(plan: Plan, period: Period, fmt: str, *, draft: bool = False, date: dt.date | None = None,
             issuer: str | None = None) -> Document:
    """The issued file of the period when there is one (unless ``draft``), else the live draft."""
    issued = None if draft else current(plan, period)
    if issued is not None:
        return Document(stored_file(issued, fmt), fmt, filename(plan, period.key, fmt, issued.number), issued)
    data = render_draft(plan, period, fmt, date=date, issuer=issuer)
    return Document(data, fmt, filename(plan, period.key, fmt), None)


def _require(user: Any, plan: Plan) -> None:
    if user is not None and not Plan.objects.for_user(user, MANAGE).filter(pk=plan.pk).exists():
        raise NotAllowed(f"no manage right on plan {plan.code}")


def _digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


@transaction.atomic
def issue(plan: Plan, period: Period | str, user: Any = None, *, date: dt.date | None = None,
          issuer: str | None = None, correct: bool = False, today: dt.date | None = None) -> Bulletin:
    """Issue (印发) the plan's bulletin for ``period``: number it, snapshot it, store its files.

    Refused (InputRejected) for a month outside the plan year, a month not yet over, or a
    month already issued unless ``correct``; NotAllowed without the manage right. Without
    a PDF typesetter (WeasyPrint, Pango, a CJK font) the bulletin is issued without its PDF (the result says so).
    """
    today = today or timezone.localdate()
    plan = Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require(user, plan)
    period = read_period(plan, period)
    if period.last_day >= today:
        raise InputRejected(f"{period.label_zh}尚未结束，不能印发该月通报（可先预览草稿）", field="period",
                            value=period.key)
    earlier = Bulletin.objects.select_for_update().filter(plan=plan, period=period.key,
                                                          status=Bulletin.Status.ISSUED).first()
    if earlier is not None and not correct:
        raise InputRejected(f"{period.label_zh}的通报已印发（第{earlier.number}期）；如需更正，请以更正方式重新印发",
                            field="period", value=period.key)
    number = (Bulletin.objects.filter(plan=plan, year=period.year).aggregate(n=Max("number"))["n"] or 0) + 1
    content = build_content(plan, period, issuer)
    head = current_anchor()  # the history as the bulletin's figures stand; printed on every file
    mast = Masthead(number, date or today, content.issuer, earlier.number if earlier else None,
                    head.seq, head.fingerprint)
    images = charts.render_all(content.charts())
    files: dict[str, bytes | None] = {fmt: render(content, mast, fmt, images) for fmt in ("docx", "xlsx")}
    try:
        files["pdf"] = render(content, mast, "pdf", images)
    except PdfUnavailable:
        files["pdf"] = None
    if earlier is not None:
        earlier.status = Bulletin.Status.SUPERSEDED
        earlier.save(update_fields=["status"])
    bulletin = Bulletin.objects.create(
        plan=plan, period=period.key, year=period.year, number=number, corrects=earlier,
        title=content.title, issuer=content.issuer, doc_date=mast.date, content=content.to_dict(),
        docx=files["docx"], xlsx=files["xlsx"], pdf=files["pdf"],
        digests={fmt: _digest(data) for fmt, data in files.items()},
        history_seq=head.seq, history_fingerprint=head.fingerprint,
        issued_at=timezone.now(), issued_by=user if getattr(user, "pk", None) else None,
    )
    changes: dict[str, Any] = {"period": period.key, "number": number, "doc_date": mast.date.isoformat(),
                               "sha256": bulletin.digests,
                               "history_head": {"seq": head.seq, "fingerprint": head.fingerprint}}
    if earlier is not None:
        changes["corrects"] = earlier.number
    audit.record("correct" if earlier else "issue", "bulletin", bulletin.pk, changes, actor_name(user),
                 f"{plan.code} {period.key} 第{number}期", plan.code)
    return bulletin


def issued_content(bulletin: Bulletin) -> BulletinContent:
    """The content exactly as snapshotted at issue."""
    return BulletinContent.from_dict(bulletin.content)
