"""An erased conversation leaves the bridge's evidence; the groups it was part of are settled again.

Its pairs go in the erasing transaction (`forget_pairs`). Then (`settle`): a draft whose
distinct customers fall below k leaves the review queue (the group collects again, its
draft article is withdrawn) until enough customers ask again; a draft that keeps k or
more is drafted anew from what remains, so no wording of the erased customer stays in
it; a published article stays (it holds no personal data and came from at least k
customers) and no longer links to the conversation, only the group's count changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from bridge.pipeline import Bridge
from bridge.schema import groups, pairs
from knowledge.store import utcnow


@dataclass
class Forgotten:
    """What the erasing transaction left to do once it is committed."""

    withdraw: list[str] = field(default_factory=list)  # draft articles of groups now below k
    redraft: list[int] = field(default_factory=list)  # drafts that keep k customers, to draft anew


def forget_pairs(conn: Connection, conversation_ids: Iterable[int], k: int) -> Forgotten:
    """Remove the conversations' pairs and count their groups again, in the caller's transaction.

    A draft that falls below k leaves the review queue here, with the erase itself: if what
    follows the commit fails, no editor is shown evidence that is gone."""
    ids = list(conversation_ids)
    forgotten = Forgotten()
    if not ids:
        return forgotten
    touched = set(conn.execute(
        select(pairs.c.group_id).where(pairs.c.conversation_id.in_(ids), pairs.c.group_id.isnot(None))
    ).scalars())
    conn.execute(delete(pairs).where(pairs.c.conversation_id.in_(ids)))
    for group_id in sorted(touched):
        group = conn.execute(select(groups.c.status, groups.c.draft_slug).where(groups.c.id == group_id)).one()
        customers = len(set(conn.execute(select(pairs.c.conversation_id).where(pairs.c.group_id == group_id))
                            .scalars()))
        values: dict = {"customers": customers, "updated_at": utcnow()}
        if group.status == "draft" and customers < k:
            values.update(status="collecting", flags=[])
            if group.draft_slug:
                forgotten.withdraw.append(group.draft_slug)
        elif group.status == "draft":
            forgotten.redraft.append(group_id)
        conn.execute(update(groups).where(groups.c.id == group_id).values(**values))
    return forgotten


def settle(bridge: Bridge, forgotten: Forgotten, actor: str) -> None:
    """After the commit: withdraw the drafts that left the queue, draft anew those that stay."""
    for slug in forgotten.withdraw:
        article = bridge.knowledge.article(slug, public_only=False)
        if article is not None and article.status == "draft":
            bridge.knowledge.set_status(slug, "withdrawn", actor, note="fewer than k customers after an erasure")
    for group_id in forgotten.redraft:
        bridge.refresh(group_id)
