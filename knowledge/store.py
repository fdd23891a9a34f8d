"""Articles, their versions, phrasings, feedback and unanswered searches in the database.

Every write is one transaction: an article, its version row and its phrasings change
together or not at all, so bad input never leaves half an article behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from knowledge.articles import Article, ArticleError, ArticleInput
from knowledge.schema import article_versions, articles, clarifications, feedback, metadata, phrasings, search_misses


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def remove_before(conn: Connection, column: Any, before: datetime, dry_run: bool = False) -> int:
    """Rows whose `column` (a time) lies before `before`: removed, or only counted. Every
    part's retention purge is this, on its own table, in the caller's transaction."""
    where = column < before
    if dry_run:
        return int(conn.execute(select(func.count()).select_from(column.table).where(where)).scalar())
    return conn.execute(delete(column.table).where(where)).rowcount


@dataclass(frozen=True)
class Phrasing:
    id: int
    article_id: int
    text: str
    language: str


@dataclass(frozen=True)
class SaveResult:
    article: Article
    changed: bool
    created: bool


class ArticleStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """This part's tables alone, for its tests and benchmarks; a server's database gets every
        table from the schema migrations (`nahbar db upgrade`, run at each start)."""
        metadata.create_all(self.engine)

    # -- reading ---------------------------------------------------------------------

    def get(self, slug: str, public_only: bool = True) -> Optional[Article]:
        query = select(articles).where(articles.c.slug == slug)
        if public_only:
            query = query.where(articles.c.status == "published")
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _article(row) if row else None

    def get_by_slugs(self, slugs: Iterable[str]) -> dict[str, Article]:
        """Articles of any status by slug, in one query (for editors' lists)."""
        slugs = list(slugs)
        if not slugs:
            return {}
        with self.engine.connect() as conn:
            return {row.slug: _article(row) for row in conn.execute(select(articles).where(articles.c.slug.in_(slugs)))}

    def get_published_many(self, ids: Iterable[int]) -> dict[int, Article]:
        """Published articles by id; anything not published is left out, whatever the index says."""
        ids = list(ids)
        if not ids:
            return {}
        # Status is checked here, not in SQL: given both conditions SQLite's planner chose the
        # status index and walked every published article (3 ms per search at 25k articles).
        with self.engine.connect() as conn:
            rows = conn.execute(select(articles).where(articles.c.id.in_(ids)))
            return {row.id: _article(row) for row in rows if row.status == "published"}

    def list(self, status: Optional[str] = "published", language: Optional[str] = None) -> list[Article]:
        query = select(articles).order_by(articles.c.topic, articles.c.language, articles.c.question)
        if status:
            query = query.where(articles.c.status == status)
        if language:
            query = query.where(articles.c.language == language)
        with self.engine.connect() as conn:
            return [_article(row) for row in conn.execute(query)]

    def versions(self, slug: str) -> list[dict]:
        query = (
            select(article_versions)
            .join(articles, articles.c.id == article_versions.c.article_id)
            .where(articles.c.slug == slug)
            .order_by(article_versions.c.version)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def alternatives(self, article_id: int) -> list[str]:
        with self.engine.connect() as conn:
            return self._alternatives(conn, article_id)

    def published_phrasings(self, article_ids: Optional[Sequence[int]] = None) -> list[Phrasing]:
        """The texts the index must hold: every phrasing of every published article."""
        query = (
            select(phrasings.c.id, phrasings.c.article_id, phrasings.c.text, phrasings.c.language)
            .join(articles, articles.c.id == phrasings.c.article_id)
            .where(articles.c.status == "published")
            .order_by(phrasings.c.id)
        )
        if article_ids is not None:
            query = query.where(phrasings.c.article_id.in_(list(article_ids)))
        with self.engine.connect() as conn:
            return [Phrasing(*row) for row in conn.execute(query)]

    def published_answers(self, article_ids: Optional[Sequence[int]] = None) -> list[tuple[int, str, str, str]]:
        """(id, language, question, answer) of every published article: what its passages come from."""
        query = (select(articles.c.id, articles.c.language, articles.c.question, articles.c.answer)
                 .where(articles.c.status == "published").order_by(articles.c.id))
        if article_ids is not None:
            query = query.where(articles.c.id.in_(list(article_ids)))
        with self.engine.connect() as conn:
            return [(row.id, row.language, row.question, row.answer) for row in conn.execute(query)]

    def count(self, status: Optional[str] = None) -> int:
        query = select(func.count()).select_from(articles)
        if status:
            query = query.where(articles.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- writing ---------------------------------------------------------------------

    def save(self, data: ArticleInput, actor: str, note: str = "") -> SaveResult:
        """Create the article or, when its slug exists, store a new version if anything changed."""
        with self.engine.begin() as conn:
            return self._save(conn, data, actor, note)

    def save_all(self, items: Sequence[ArticleInput], actor: str, note: str = "") -> list[SaveResult]:
        """Save many articles in one transaction: an import either lands whole or not at all."""
        slugs = [item.slug for item in items]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ArticleError(f"the same slug appears more than once: {', '.join(duplicates)}")
        with self.engine.begin() as conn:
            return [self._save(conn, item, actor, note) for item in items]

    def set_status(self, slug: str, status: str, actor: str, note: str = "") -> SaveResult:
        with self.engine.begin() as conn:
            row = conn.execute(select(articles).where(articles.c.slug == slug).with_for_update()).first()
            if row is None:
                raise ArticleError(f"no article with slug {slug!r}")
            current = _article(row)
            if current.status == status:
                return SaveResult(current, changed=False, created=False)
            return self._write_version(conn, current, {"status": status}, actor, note)

    def record_feedback(self, article_id: int, helpful: bool, source: str, nonce: str) -> bool:
        """Store one vote; False when this nonce already voted (double submit, replay)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(feedback).values(
                        article_id=article_id, helpful=helpful, source=source, nonce=nonce, created_at=utcnow()
                    )
                )
        except IntegrityError:
            return False
        return True

    def feedback_counts(self, article_id: int) -> dict[str, int]:
        query = (
            select(feedback.c.helpful, func.count())
            .where(feedback.c.article_id == article_id)
            .group_by(feedback.c.helpful)
        )
        with self.engine.connect() as conn:
            counts = {bool(helpful): int(n) for helpful, n in conn.execute(query)}
        return {"helpful": counts.get(True, 0), "unhelpful": counts.get(False, 0)}

    def record_miss(self, query_text: str, language: Optional[str], best_score: Optional[float], source: str,
                    asker: Optional[str] = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(search_misses).values(
                    query=query_text[:500], language=language, best_score=best_score, source=source, asker=asker,
                    anonymized=False, created_at=utcnow()
                )
            )

    def raw_misses(self, limit: int = 1000) -> list[tuple[int, str, Optional[str]]]:
        """(id, query, language) of misses whose words were not anonymized yet, newest first."""
        return self._raw_words(search_misses, limit)

    def replace_miss_words(self, replaced: dict[int, str]) -> None:
        """Put anonymized words in place of what was asked: the raw words are gone then."""
        self._replace_words(search_misses, replaced)

    def _raw_words(self, table: Table, limit: int) -> list[tuple[int, str, Optional[str]]]:
        """Customers' own words kept for editors (misses, picks) that were not anonymized yet."""
        query = (select(table.c.id, table.c.query, table.c.language)
                 .where(table.c.anonymized.isnot(True)).order_by(table.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def _replace_words(self, table: Table, replaced: dict[int, str]) -> None:
        if not replaced:
            return
        with self.engine.begin() as conn:
            for row_id, words in replaced.items():
                conn.execute(update(table).where(table.c.id == row_id).values(query=words[:500], anonymized=True))

    @staticmethod
    def forget_asker(conn: Connection, asker: str) -> int:
        """Remove what one asker's searches left (part of erasing a customer's data, in the caller's transaction)."""
        return conn.execute(delete(search_misses).where(search_misses.c.asker == asker)).rowcount

    @staticmethod
    def forget_asker_choices(conn: Connection, asker: str) -> int:
        """Remove one asker's picks among the bot's choices (erasure, in the caller's transaction)."""
        return conn.execute(delete(clarifications).where(clarifications.c.asker == asker)).rowcount

    def record_clarification(self, article_id: int, query_text: str, language: Optional[str],
                             asker: Optional[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(clarifications).values(
                article_id=article_id, query=query_text[:500], language=language, asker=asker, anonymized=False,
                created_at=utcnow()))

    def raw_clarifications(self, limit: int = 1000) -> list[tuple[int, str, Optional[str]]]:
        """(id, query, language) of picks whose words were not anonymized yet, newest first."""
        return self._raw_words(clarifications, limit)

    def replace_clarification_words(self, replaced: dict[int, str]) -> None:
        self._replace_words(clarifications, replaced)

    def clarifications(self, limit: int = 500) -> list[dict]:
        """Anonymized picks of published articles, newest first (raw ones wait for anonymization)."""
        query = (select(clarifications.c.id, clarifications.c.article_id, clarifications.c.query,
                        clarifications.c.language, clarifications.c.asker, clarifications.c.created_at)
                 .join(articles, articles.c.id == clarifications.c.article_id)
                 .where(clarifications.c.anonymized.is_(True), articles.c.status == "published")
                 .order_by(clarifications.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def remove_clarifications(self, article_id: int, query_text: str) -> int:
        """An editor decided on this wording of the article: every pick of it leaves the list."""
        with self.engine.begin() as conn:
            return conn.execute(delete(clarifications).where(
                clarifications.c.article_id == article_id, clarifications.c.query == query_text)).rowcount

    def purge_clarifications(self, before: datetime, dry_run: bool = False) -> int:
        """Picks older than `before` (the gap list's retention period), removed or only counted."""
        with self.engine.begin() as conn:
            return remove_before(conn, clarifications.c.created_at, before, dry_run)

    def purge_misses(self, before: datetime, dry_run: bool = False) -> int:
        """Misses older than `before` (the gap list's retention period), removed or only counted."""
        with self.engine.begin() as conn:
            return remove_before(conn, search_misses.c.created_at, before, dry_run)

    def misses(self, limit: int = 100) -> list[dict]:
        query = select(search_misses).order_by(search_misses.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- internals -------------------------------------------------------------------

    def _save(self, conn: Connection, data: ArticleInput, actor: str, note: str) -> SaveResult:
        row = conn.execute(select(articles).where(articles.c.slug == data.slug).with_for_update()).first()
        if row is None:
            now = utcnow()
            article_id = conn.execute(
                insert(articles).values(
                    slug=data.slug,
                    language=data.language,
                    topic=data.topic,
                    tags=list(data.tags),
                    question=data.question,
                    answer=data.answer,
                    status=data.status,
                    origin=data.origin,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            created = _article(conn.execute(select(articles).where(articles.c.id == article_id)).one())
            self._insert_version(conn, created, actor, note or "created")
            self._replace_phrasings(conn, created, data.alternatives)
            return SaveResult(created, changed=True, created=True)
        current = _article(row)
        if current.language != data.language:
            raise ArticleError(f"article {data.slug!r} is in {current.language!r}; its language cannot change")
        changes = {
            key: value
            for key, value in {
                "question": data.question,
                "answer": data.answer,
                "topic": data.topic,
                "tags": list(data.tags),
                "status": data.status,
            }.items()
            if value != (list(current.tags) if key == "tags" else getattr(current, key))
        }
        alternatives_changed = data.alternatives and list(data.alternatives) != self._alternatives(conn, current.id)
        if not changes and not alternatives_changed:
            return SaveResult(current, changed=False, created=False)
        result = self._write_version(conn, current, changes, actor, note or "updated")
        if alternatives_changed or "question" in changes:
            self._replace_phrasings(
                conn, result.article, data.alternatives or tuple(self._alternatives(conn, current.id))
            )
        return result

    def _write_version(self, conn: Connection, current: Article, changes: dict, actor: str, note: str) -> SaveResult:
        version = current.version + 1
        conn.execute(
            update(articles)
            .where(articles.c.id == current.id)
            .values(**changes, version=version, updated_at=utcnow())
        )
        saved = _article(conn.execute(select(articles).where(articles.c.id == current.id)).one())
        self._insert_version(conn, saved, actor, note)
        return SaveResult(saved, changed=True, created=False)

    @staticmethod
    def _insert_version(conn: Connection, article: Article, actor: str, note: str) -> None:
        conn.execute(
            insert(article_versions).values(
                article_id=article.id,
                version=article.version,
                question=article.question,
                answer=article.answer,
                topic=article.topic,
                tags=list(article.tags),
                status=article.status,
                changed_by=actor,
                note=note,
                created_at=article.updated_at,
            )
        )

    @staticmethod
    def _alternatives(conn: Connection, article_id: int) -> list[str]:
        query = (
            select(phrasings.c.text)
            .where(and_(phrasings.c.article_id == article_id, phrasings.c.kind == "alternative"))
            .order_by(phrasings.c.id)
        )
        return list(conn.execute(query).scalars())

    @staticmethod
    def _replace_phrasings(conn: Connection, article: Article, alternatives: Sequence[str]) -> None:
        conn.execute(phrasings.delete().where(phrasings.c.article_id == article.id))
        rows = [{"article_id": article.id, "text": article.question, "language": article.language, "kind": "question"}]
        rows += [
            {"article_id": article.id, "text": text, "language": article.language, "kind": "alternative"}
            for text in alternatives
            if text != article.question
        ]
        conn.execute(insert(phrasings), rows)


def _article(row: Row) -> Article:
    return Article(
        id=row.id,
        slug=row.slug,
        language=row.language,
        topic=row.topic,
        tags=tuple(row.tags or ()),
        question=row.question,
        answer=row.answer,
        status=row.status,
        origin=row.origin,
        version=row.version,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
