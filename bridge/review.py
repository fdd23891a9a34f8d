"""Step 6: editors decide. Approve publishes, reject remembers why, merge adds phrasings.

Each decision is checked here (an unresolved anonymization flag blocks approval), carried
out on the knowledge base, and written to the audit log with who, when, what, before and
after. Nothing here depends on the web layer.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Optional, Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from bridge.schema import audit, groups, pairs
from bridge.shared_words import SharedWords
from i18n import N_, gettext as _
from knowledge.articles import MAX_PHRASINGS, MAX_QUESTION_CHARS, ArticleError, ArticleInput
from knowledge.base import KnowledgeBase
from knowledge.store import as_utc, remove_before, utcnow


class ReviewError(ValueError):
    """A decision that cannot be carried out; the message is for the editor (in the request's language)."""


# The audit log's actions, shown as words on the audit page (translated there).
ACTIONS = (N_("approve"), N_("reject"), N_("merge"), N_("phrasings"), N_("dismiss"))
NOT_SHOWN = "[not shown"  # what `Bridge.anonymize_words` shows for words that still looked personal


@dataclass(frozen=True)
class QueueItem:
    group_id: int
    status: str
    customers: int
    evidence: int
    question: str
    language: Optional[str]
    slug: Optional[str]
    open_flags: int


class Review:
    def __init__(self, engine: Engine, knowledge: KnowledgeBase, min_customers: int = 3) -> None:
        self.engine = engine
        self.knowledge = knowledge
        self.min_customers = min_customers  # k, for the wordings added to an existing article

    def queue(self) -> list[QueueItem]:
        """Drafts waiting for a decision, most evidence first."""
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(groups).where(groups.c.status == "draft")))
            evidence = dict(conn.execute(
                select(pairs.c.group_id, func.count()).where(pairs.c.group_id.in_([r.id for r in rows]))
                .group_by(pairs.c.group_id)
            ).all()) if rows else {}
        drafts = self.knowledge.articles_by_slugs(r.draft_slug for r in rows if r.draft_slug)
        items = []
        for row in rows:
            article = drafts.get(row.draft_slug)
            items.append(QueueItem(
                row.id, row.status, row.customers, evidence.get(row.id, 0), article.question if article else "",
                article.language if article else None, row.draft_slug,
                sum(1 for f in row.flags or [] if not f.get("resolved")),
            ))
        return sorted(items, key=lambda i: (-i.evidence, i.group_id))

    def held_back(self) -> list[tuple[str, int]]:
        """How many chats were kept out of the bridge, and why (a category or a rule, never their text)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(pairs.c.skip_reason, func.count()).where(pairs.c.status.in_(("private", "uncertain")))
                .group_by(pairs.c.skip_reason)
            ).all()
        counts: dict[str, int] = {}
        for reason, count in rows:
            # "private topic: health (meaning)" → "health"; "still looks personal …: long number" → that sentence
            label = (reason or "").removeprefix("private topic: ").split(" (")[0]
            counts[label] = counts.get(label, 0) + int(count)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def suggested_updates(self) -> list[dict[str, Any]]:
        """Existing articles that resolved chats keep asking about in new words (not yet added)."""
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(groups).where(groups.c.status == "attached")))
            result = []
            for row in rows:
                members = list(conn.execute(
                    select(pairs.c.question, pairs.c.source).where(pairs.c.group_id == row.id).order_by(pairs.c.id)
                ))
                new = members[row.size_at_decision or 0:]
                if not new:
                    continue
                article = self.knowledge.published_by_ids([row.article_id]).get(row.article_id)
                if article is None:
                    continue
                result.append({"group_id": row.id, "article": article, "customers": row.customers,
                               "new_phrasings": sorted({m.question for m in new}),
                               "from_agents": sum(1 for m in new if m.source == "agent")})
        return sorted(result, key=lambda r: -len(r["new_phrasings"]))

    def add_phrasings(self, group_id: int, actor: str) -> None:
        """Take the new customer wordings of an attached group into its article's phrasings.

        Only wordings fit to be public as they are (bridge.shared_words): a word fewer than k
        of the group's conversations wrote that is rare in the language, or may be a name,
        keeps a wording out, as it does for a draft's phrasings.
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(groups).where(groups.c.id == group_id, groups.c.status == "attached")).first()
            if row is None:
                raise ReviewError("There is no such suggestion.")
            members = list(conn.execute(
                select(pairs.c.conversation_id, pairs.c.question, pairs.c.answer, pairs.c.language)
                .where(pairs.c.group_id == group_id).order_by(pairs.c.id)))
        article = self.knowledge.published_by_ids([row.article_id]).get(row.article_id)
        if article is None:
            raise ReviewError("The article is no longer published.")
        words = SharedWords(((m.conversation_id, f"{m.question}\n{m.answer}") for m in members), self.min_customers,
                            SharedWords.vocabulary_of((article.question, article.answer)))
        new = [m.question for m in members[row.size_at_decision or 0:]
               if words.check(m.question, m.language or article.language).public]
        phrasings = _with_wordings(self.knowledge.alternatives(article.id), new, article.question)
        data = ArticleInput(article.slug, article.language, article.question, article.answer, article.topic,
                            article.tags, "published", article.origin, phrasings)
        result = self.knowledge.save(data, actor=actor, note=f"customer wordings from bridge group {group_id}")
        with self.engine.begin() as conn:
            conn.execute(update(groups).where(groups.c.id == group_id).values(size_at_decision=len(members), updated_at=utcnow()))
        self._audit(actor, "phrasings", group_id, article.slug, _snapshot(article), _snapshot(result.article), None)

    def chosen_wordings(self) -> list[dict[str, Any]]:
        """Questions customers asked in their own words and then answered themselves, by picking
        an article after the bot's "Did you mean …?": anonymized, one row per article and
        wording, most customers first. Only offered, never added by themselves."""
        picks = self.knowledge.clarifications()
        published = self.knowledge.published_by_ids({p["article_id"] for p in picks})
        rows: dict[tuple[int, str], dict[str, Any]] = {}
        for pick in picks:
            article = published.get(pick["article_id"])
            if article is None or pick["query"].startswith(NOT_SHOWN):
                continue
            row = rows.setdefault((article.id, pick["query"]), {"article": article, "wording": pick["query"], "who": set()})
            row["who"].add(pick["asker"] or f"pick:{pick['id']}")
        return sorted(({"article": r["article"], "wording": r["wording"], "customers": len(r["who"])}
                       for r in rows.values()), key=lambda r: (-r["customers"], r["article"].question, r["wording"]))

    def add_chosen_wording(self, article_id: int, wording: str, actor: str) -> None:
        """Make a chosen wording a phrasing of its article (search finds the article by it then).

        The same rule as for the bridge's wordings (bridge.shared_words): a word fewer than k
        customers who picked this article wrote, that is rare in the language and not in the
        article, or may be a name, keeps the wording out.
        """
        article = self.knowledge.published_by_ids([article_id]).get(article_id)
        picks = [p for p in self.knowledge.clarifications() if p["article_id"] == article_id]
        this = [p for p in picks if p["query"] == wording]
        if article is None or not this:
            raise ReviewError(_("That suggestion was taken care of already."))
        words = SharedWords(((p["asker"] or f"pick:{p['id']}", p["query"]) for p in picks), self.min_customers,
                            SharedWords.vocabulary_of((article.question, article.answer)))
        # Judged in the language the customer wrote in: a German wording of an English article
        # has German words, which English word frequencies would all take for rare.
        language = next((p["language"] for p in this if p["language"]), article.language)
        if wording.startswith(NOT_SHOWN) or not words.check(wording, language).public:
            raise ReviewError(_("This wording has words too few customers wrote, which may be personal; "
                                "it was not added. Add your own phrasing in the article instead."))
        phrasings = _with_wordings(self.knowledge.alternatives(article.id), [wording], article.question)
        data = ArticleInput(article.slug, article.language, article.question, article.answer, article.topic,
                            article.tags, "published", article.origin, phrasings)
        result = self.knowledge.save(data, actor=actor, note="a customer's wording, chosen after \"Did you mean\"")
        self.knowledge.remove_clarifications(article_id, wording)
        self._audit(actor, "phrasings", None, article.slug, _snapshot(article), _snapshot(result.article), None)

    def dismiss_chosen_wording(self, article_id: int, wording: str, actor: str) -> None:
        article = self.knowledge.published_by_ids([article_id]).get(article_id)
        if not self.knowledge.remove_clarifications(article_id, wording):
            raise ReviewError(_("That suggestion was taken care of already."))
        self._audit(actor, "dismiss", None, article.slug if article else None, None, None, None)

    def draft(self, group_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(groups).where(groups.c.id == group_id)).first()
            if row is None:
                raise ReviewError("There is no such draft.")
            members = list(conn.execute(select(pairs).where(pairs.c.group_id == group_id).order_by(pairs.c.id)))
        article = self.knowledge.article(row.draft_slug, public_only=False) if row.draft_slug else None
        return {
            "group": row._asdict(),
            "article": article,
            "evidence": [
                {"question": m.question, "answer": m.answer, "language": m.language, "source": m.source,
                 "question_spans": m.question_spans or [], "answer_spans": m.answer_spans or [],
                 "at": as_utc(m.created_at)}
                for m in members
            ],
        }

    def approve(self, group_id: int, actor: str, question: str, answer: str, resolved_flags: Sequence[int]) -> str:
        row = self._draft_group(group_id)
        flags = [dict(f, resolved=f.get("resolved") or f["id"] in set(resolved_flags)) for f in row.flags or []]
        open_flags = [f for f in flags if not f["resolved"]]
        if open_flags:
            raise ReviewError(_("Check each flagged replacement before approval; still open: {count}.",
                                 count=len(open_flags)))
        before = self.knowledge.article(row.draft_slug, public_only=False)
        if before is None:
            raise ReviewError(_("The draft article is gone; run the bridge again."))
        data = ArticleInput(before.slug, before.language, question.strip(), answer.strip(), before.topic,
                            before.tags, "published", "bridge", tuple(self.knowledge.alternatives(before.id)))
        try:
            data = ArticleInput.from_mapping({**_mapping(data), "status": "published"})
        except ArticleError as exc:
            raise ReviewError(str(exc)) from exc
        try:
            with self._deciding(group_id, "approved", actor, flags=flags, article_id=before.id):
                result = self.knowledge.save(data, actor=actor, note=f"approved from bridge group {group_id}")
        except ArticleError as exc:
            raise ReviewError(str(exc)) from exc
        self._audit(actor, "approve", group_id, before.slug, _snapshot(before), _snapshot(result.article), None)
        return before.slug

    def reject(self, group_id: int, actor: str, reason: str) -> None:
        reason = " ".join(str(reason or "").split())
        if not reason:
            raise ReviewError(_("Say why the draft is rejected."))
        row = self._draft_group(group_id)
        before = self.knowledge.article(row.draft_slug, public_only=False)
        with self._deciding(group_id, "rejected", actor, reason=reason):
            if before is not None:
                self.knowledge.set_status(before.slug, "withdrawn", actor, note=f"rejected: {reason}"[:200])
        self._audit(actor, "reject", group_id, row.draft_slug, _snapshot(before), None, reason)

    def merge(self, group_id: int, actor: str, target_slug: str) -> None:
        """Fold the draft into a published article: its phrasings find that article from now on."""
        row = self._draft_group(group_id)
        target = self.knowledge.article(str(target_slug or ""), public_only=True)
        if target is None:
            raise ReviewError(_("Choose a published article to merge into."))
        draft = self.knowledge.article(row.draft_slug, public_only=False)
        new = ([draft.question] + self.knowledge.alternatives(draft.id)) if draft else []
        phrasings = _with_wordings(self.knowledge.alternatives(target.id), new, target.question)
        data = ArticleInput(target.slug, target.language, target.question, target.answer, target.topic, target.tags,
                            "published", target.origin, phrasings)
        with self._deciding(group_id, "merged", actor, article_id=target.id):
            result = self.knowledge.save(data, actor=actor, note=f"merged bridge group {group_id}")
            if draft is not None:
                self.knowledge.set_status(draft.slug, "withdrawn", actor, note=f"merged into {target.slug}")
        self._audit(actor, "merge", group_id, target.slug, _snapshot(target), _snapshot(result.article), None)

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit))
            return [{**row._asdict(), "at": as_utc(row.at)} for row in rows]

    # -- helpers ----------------------------------------------------------------------------

    def _draft_group(self, group_id: int):
        with self.engine.connect() as conn:
            row = conn.execute(select(groups).where(groups.c.id == group_id)).first()
        if row is None or row.status != "draft":
            raise ReviewError(_("This draft has been decided already or does not exist."))
        return row

    @contextmanager
    def _deciding(self, group_id: int, status: str, actor: str, **values: Any) -> Iterator[None]:
        """Take the decision first (one conditional UPDATE: of two editors, one wins), then carry it out.

        Publishing first let two editors approving at once both publish. If carrying the
        decision out fails, the draft is pending again.
        """
        self._decide(group_id, status, actor, **values)
        try:
            yield
        except BaseException:
            with self.engine.begin() as conn:
                conn.execute(update(groups).where(groups.c.id == group_id, groups.c.status == status)
                             .values(status="draft", updated_at=utcnow()))
            raise

    def _decide(self, group_id: int, status: str, actor: str, reason: Optional[str] = None,
                flags: Optional[list] = None, article_id: Optional[int] = None) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": utcnow(), "reason": reason}
        with self.engine.begin() as conn:
            size = len(conn.execute(select(pairs.c.conversation_id).where(pairs.c.group_id == group_id)).scalars().unique().all())
            values["size_at_decision"] = size
            if flags is not None:
                values["flags"] = flags
            if article_id is not None:
                values["article_id"] = article_id
            moved = conn.execute(
                update(groups).where(groups.c.id == group_id, groups.c.status == "draft").values(**values)
            ).rowcount
            if not moved:
                raise ReviewError(_("Another editor decided this draft a moment ago."))

    def _audit(self, actor: str, action: str, group_id: Optional[int], slug: Optional[str], before: Any, after: Any,
               reason: Optional[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(audit).values(actor=actor, action=action, group_id=group_id, article_slug=slug,
                                              before=before, after=after, reason=reason, at=utcnow()))


def purge_audit(engine: Engine, before: datetime, dry_run: bool = False) -> int:
    """Editors' audit entries older than `before` (its retention period), removed or only counted."""
    with engine.begin() as conn:
        return remove_before(conn, audit.c.at, before, dry_run)


def _with_wordings(phrasings: list[str], new: Sequence[str], question: str) -> tuple[str, ...]:
    """Every phrasing the article has, and the new wordings after them, as far as an article holds them."""
    result = list(phrasings)
    for text in new:
        if len(result) >= MAX_PHRASINGS:
            break
        if text not in result and text != question and len(text) <= MAX_QUESTION_CHARS:
            result.append(text)
    return tuple(result)


def _snapshot(article: Any) -> Optional[dict[str, Any]]:
    if article is None:
        return None
    return {"slug": article.slug, "status": article.status, "version": article.version, "language": article.language,
            "question": article.question, "answer": article.answer}


def _mapping(data: ArticleInput) -> dict[str, Any]:
    return {"slug": data.slug, "language": data.language, "question": data.question, "answer": data.answer,
            "topic": data.topic, "tags": list(data.tags), "status": data.status, "origin": data.origin,
            "alternatives": list(data.alternatives)}
