"""The rows of the plan tree page, within a row budget whatever the plan's size.

A plan of up to ``ROW_BUDGET`` nodes is shown whole (folded by the page's script). A bigger
one opens with its fronts and their first level (as far as the budget goes); every other
branch is a link that loads its children (``CHILD_PAGE`` at a time, then a "more" line) —
with HTMX as a fragment, without script as the page with that branch open (``?open=``).
A search or filter is answered here, from the cached roll-up, a page of matches at a time
with their ancestors as context (``?after=`` the last match shown). Which rows: this module;
what they say: ``web.rows`` over the roll-up (one truth).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape  # Django's escape() is this, behind a lazy-string wrapper a row cannot afford
from urllib.parse import quote

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shigongtu.plans import browse
from shigongtu.plans.selectors import Rollup
from shigongtu.web.rows import LIGHT_LABELS, LIGHTS, TreeRow, node_row, unit_names

ROW_BUDGET = 500   # the most rows one tree page or fragment ships
FIRST_VIEW = 300   # the first levels a big plan opens with (a row with its branch link is ~1.2 KB)
CHILD_PAGE = 100   # children of one node per fragment (then a "more" line)
MATCH_PAGE = 200   # filter matches per page; their ancestors come with them, within the budget


@dataclass(slots=True)
class MoreRow:
    """The line after the children shown so far: how many remain, and where the next ones start."""

    parent: str
    after: str
    remaining: int
    depth: int
    is_more = True

    @property
    def level(self) -> int:
        return min(self.depth, 5)


@dataclass
class TreeFilter:
    """The tree page's filter bar: text in title or code, light, lead unit, overdue only."""

    q: str = ""
    light: str = ""
    unit: int | None = None
    overdue: bool = False

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> TreeFilter:
        light = (params.get("light") or "").strip()
        unit = (params.get("unit") or "").strip()
        return cls(
            q=(params.get("q") or "").strip()[:100],
            light=light if light in LIGHT_LABELS else "",
            unit=int(unit) if unit.isdigit() and len(unit) < 12 else None,
            overdue=(params.get("overdue") or "") in ("1", "on", "true"),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.light or self.unit or self.overdue)

    def query(self) -> browse.NodeQuery:
        return browse.NodeQuery(q=self.q, light=self.light, unit=self.unit, overdue=self.overdue)


@dataclass
class TreeView:
    rows: list[TreeRow | MoreRow]
    total: int                # nodes in the plan
    matched: int              # nodes that pass the filter (all of them without a filter)
    lazy: bool = False        # bounded: branches load on demand
    next_after: str = ""      # the cursor of the next page of matches ("" on the last page)
    paged: bool = False       # a later page of matches (offer the way back to the first)
    counts: dict[str, int] = field(default_factory=dict)
    units: list[tuple[int, str]] = field(default_factory=list)  # lead units in the plan, for the filter

    @property
    def shown(self) -> int:
        return sum(1 for r in self.rows if isinstance(r, TreeRow) and not r.context)


def tree_view(rollup: Rollup, flt: TreeFilter, as_of: dt.date, open_code: str = "", after: str = "") -> TreeView:
    """The rows the tree page shows: all of a small plan; the top of a big one with the branch
    ``open_code`` opened (its children after ``after``); or a page of ``flt``'s matches."""
    index = browse.tree_index(rollup)
    counts = browse.light_counts(rollup)
    view = TreeView(rows=[], total=len(index.ids), matched=len(index.ids),
                    counts={light: counts.get(light, 0) for light in LIGHTS},
                    units=sorted(unit_names(browse.unit_ids(rollup)).items(), key=lambda item: item[1]))
    if flt.active:
        _matches(view, rollup, flt, as_of, after)
    elif view.total <= ROW_BUDGET:
        kids = rollup.children()
        names = unit_names(rollup.meta[i].lead_unit_id for i in index.ids)
        view.rows = [node_row(rollup, i, names, as_of, kids) for i in index.ids]
    else:
        view.lazy = True
        view.rows = _bounded(rollup, as_of, open_code if open_code in index.by_code else "", after)
    return view


def _matches(view: TreeView, rollup: Rollup, flt: TreeFilter, as_of: dt.date, after: str) -> None:
    """A page of matches in code order, each with the ancestors not already on the page."""
    positions = browse.matching(rollup, flt.query())
    view.matched = len(positions)
    start = browse.after(positions, rollup, after) if after in rollup_codes(rollup) else 0
    view.paged = start > 0
    results, ids = rollup.results, browse.tree_index(rollup).ids
    keep: dict[int, bool] = {}  # node id → shown as context only
    for taken, p in enumerate(positions[start:]):
        node_id = ids[p]
        chain = []
        parent = results[node_id].parent_id
        while parent is not None and parent not in keep:
            chain.append(parent)
            parent = results[parent].parent_id
        if taken and (taken >= MATCH_PAGE or len(keep) + len(chain) + 1 > ROW_BUDGET):
            view.next_after = rollup.meta[ids[positions[start + taken - 1]]].code
            break
        keep.update(dict.fromkeys(chain, True))
        keep[node_id] = False
    position = browse.tree_index(rollup).position
    shown = sorted(keep, key=position.__getitem__)
    kids = rollup.children()
    names = unit_names(rollup.meta[i].lead_unit_id for i in shown)
    for node_id in shown:
        row = node_row(rollup, node_id, names, as_of, kids)
        row.context = keep[node_id]
        view.rows.append(row)


def rollup_codes(rollup: Rollup) -> Mapping[str, int]:
    return browse.tree_index(rollup).by_code


def _window(kids: list[int], rollup: Rollup, after: str = "", keep: int | None = None) -> tuple[list[int], int]:
    """A page of ``kids``: after the child ``after``, or the page holding the child ``keep``."""
    start = 0
    if keep is not None and keep in kids:
        start = kids.index(keep) // CHILD_PAGE * CHILD_PAGE
    elif after:
        found = [k for k, i in enumerate(kids) if rollup.meta[i].code == after]
        start = found[0] + 1 if found else 0
    page = kids[start:start + CHILD_PAGE]
    return page, len(kids) - start - len(page)


def _bounded(rollup: Rollup, as_of: dt.date, open_code: str, after: str) -> list[TreeRow | MoreRow]:
    """Fronts; the path down to ``open_code`` and its children; then first levels while the budget lasts."""
    kids = rollup.children()
    fronts = kids.get(None, [])[:ROW_BUDGET]
    windows: dict[int, tuple[list[int], int]] = {}
    if open_code:
        node_id = browse.tree_index(rollup).ids[rollup_codes(rollup)[open_code]]
        windows[node_id] = _window(kids.get(node_id, []), rollup, after=after)
        child, parent = node_id, rollup.results[node_id].parent_id
        while parent is not None:
            windows[parent] = _window(kids.get(parent, []), rollup, keep=child)
            child, parent = parent, rollup.results[parent].parent_id
    used = len(fronts) + sum(len(w[0]) + bool(w[1]) for w in windows.values())
    for front in fronts:
        if front not in windows and kids.get(front):
            page = _window(kids[front], rollup)
            if used + len(page[0]) + bool(page[1]) > min(FIRST_VIEW, ROW_BUDGET):
                break
            windows[front] = page
            used += len(page[0]) + bool(page[1])
    shown = list(fronts) + [c for page, _ in windows.values() for c in page]
    names = unit_names(rollup.meta[i].lead_unit_id for i in shown)
    rows: list[TreeRow | MoreRow] = []

    def emit(node_id: int) -> None:
        row = node_row(rollup, node_id, names, as_of, kids)
        rows.append(row)
        window = windows.get(node_id)
        if window is None:
            row.lazy = row.has_children
            return
        for child in window[0]:
            emit(child)
        if window[1] and window[0]:
            rows.append(MoreRow(row.code, rollup.meta[window[0][-1]].code, window[1], row.depth + 1))

    for front in fronts:
        emit(front)
    return rows


def child_rows(rollup: Rollup, parent_id: int, as_of: dt.date, after: str = "") -> list[TreeRow | MoreRow]:
    """One page of a node's children (after the child ``after``), each lazy when it has children."""
    kids = rollup.children()
    page, remaining = _window(kids.get(parent_id, []), rollup, after=after)
    names = unit_names(rollup.meta[i].lead_unit_id for i in page)
    rows: list[TreeRow | MoreRow] = []
    for i in page:
        row = node_row(rollup, i, names, as_of, kids)
        row.lazy = row.has_children
        rows.append(row)
    if remaining and page:
        meta = rollup.meta[parent_id]
        rows.append(MoreRow(meta.code, rollup.meta[page[-1]].code, remaining, rollup.results[parent_id].depth + 1))
    return rows


# -- the rows as HTML ------------------------------------------------------------------------
# Written here rather than in a template: a page ships up to ROW_BUDGET rows of ~30 values
# each, and the template engine spent ~0.4 ms a row (most of the page's time); this is ~0.02 ms.

@dataclass(frozen=True)
class RowLinks:
    """What every row's links share: the plan's page, its fragment, its nodes, the as-of date."""

    plan_url: str
    children_url: str
    node_prefix: str
    as_of: dt.date
    as_of_query: str  # "as_of=…" when links carry the date, else ""


def rows_html(rows: list[TreeRow | MoreRow], links: RowLinks) -> SafeString:
    """The ``<tr>`` of each row (the markup ``app.js`` and the styles read), escaped."""
    t_expected, t_expand, t_overdue = str(_("时间进度")), str(_("展开下级")), str(_("已逾期"))
    day = links.as_of.isoformat()
    carry = f"&amp;{links.as_of_query}" if links.as_of_query else ""
    node_query = f"?{links.as_of_query}" if links.as_of_query else ""
    out: list[str] = []
    for r in rows:
        depth_style = f' style="--tree-level: {r.depth}"' if r.depth > 5 else ""
        if isinstance(r, MoreRow):
            parent, after = escape(r.parent), escape(r.after)
            qp, qa = escape(quote(r.parent)), escape(quote(r.after))
            label = escape(ngettext("显示后面的 %(counter)s 项", "显示后面的 %(counter)s 项", r.remaining)
                           % {"counter": r.remaining})
            out.append(
                f'\n<tr data-code="{parent}~{after}" data-parent="{parent}" class="tree-more tree-level-{r.level}"'
                f'{depth_style}>\n  <td class="tree-cell" colspan="6"><div class="tree-cell-inner">'
                f'<span class="tree-toggle is-leaf"></span><a class="tree-more-link" href="{links.plan_url}'
                f'?open={qp}&amp;after={qa}{carry}#n-{parent}" hx-get="{links.children_url}?parent={qp}'
                f'&amp;after={qa}&amp;as_of={day}" hx-target="closest tr" hx-swap="outerHTML">{label}</a>'
                f"</div></td>\n</tr>")
            continue
        code, qc = escape(r.code), escape(quote(r.code))
        toggle = (f'<a class="tree-toggle" role="button" aria-expanded="false" title="{t_expand}" '
                  f'href="{links.plan_url}?open={qc}{carry}#n-{code}" hx-get="{links.children_url}?parent={qc}'
                  f'&amp;as_of={day}" hx-target="closest tr" hx-swap="afterend" hx-trigger="click once"></a>'
                  if r.lazy else "")
        due = r.due.isoformat()
        due_cell = f'<span class="text-red" title="{t_overdue}">{due}</span>' if r.overdue else due
        parent_attr = f' data-parent="{escape(r.parent)}"' if r.parent else ""
        out.append(
            f'\n<tr data-code="{code}"{parent_attr} class="tree-level-{r.level}{" is-context" if r.context else ""}"'
            f' id="n-{code}"{depth_style}{" data-lazy" if r.lazy else ""}>\n'
            f'  <td class="tree-cell"><div class="tree-cell-inner">{toggle}<span class="tree-code">{code}</span>'
            f'<a class="tree-label" href="{links.node_prefix}{code}/{node_query}">{escape(r.title)}</a></div></td>\n'
            f'  <td class="col-unit">{escape(r.lead_unit) or "—"}</td>\n'
            f'  <td class="col-leader">{escape(r.leader) or "—"}</td>\n'
            f'  <td class="nowrap">{due_cell}</td>\n'
            f'  <td class="col-progress"><div class="progress progress--{r.light}" role="progressbar" '
            f'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{r.progress_text}" aria-valuetext="'
            f'{r.progress_text}%，{t_expected} {r.expected_text}%"><span class="progress-track">'
            f'<span class="progress-fill" style="--value: {r.progress_css}"></span><span class="progress-expected" '
            f'style="--value: {r.expected_css}"></span></span><span class="progress-text">{r.progress_text}%</span>'
            f'</div></td>\n  <td class="col-light"><span class="badge badge--{r.light}">'
            f'{escape(str(r.light_label))}</span></td>\n</tr>')
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)
