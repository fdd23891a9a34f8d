"""Steps 2–5 run together: anonymize, keep private things private, group, draft.

Grouping is incremental: each new pair is compared with the pairs already grouped through
a FAISS inner-product index (vectors are normalized, so scores are cosines), never in an
all-pairs pass. Vectors live in the database, so the index is rebuilt from it at each run.
A pair joins a neighbour's group only when the questions are close *and* the answers
agree: similar-sounding questions that agents answered differently are different
questions (on BANKING77, question similarity alone chained neighbouring intents into
mixed groups; see benchmarks/eval_loop.py).
A group becomes a draft only when k distinct customers asked; a group an existing article
already answers is attached to that article as evidence instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import faiss
import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from bridge.anonymize import PLACEHOLDER, PLACEHOLDERS, Anonymized, Anonymizer
from bridge.extract import SENTENCES, RawPair, extract
from bridge.privacy import PrivateTopics, private_reason
from bridge.gaps import anonymize_misses
from bridge.schema import groups, metadata, pairs
from bridge.shared_words import Checked, SharedWords, answer_agreement
from helpdesk.schema import conversations
from knowledge.articles import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS, ArticleError, ArticleInput, slugify
from knowledge.base import KnowledgeBase
from knowledge.store import utcnow

logger = logging.getLogger(__name__)

ACTOR = "bridge"
MAX_ALTERNATIVES = 150  # more wordings find more customers (BANKING77: 50 → 84.5 % top-1); the editor reads them all
NEIGHBOURS = 50  # grouped pairs compared with each new one, nearest answer first


@dataclass(frozen=True)
class BridgeSettings:
    min_customers: int = 3  # k: distinct customers before a group is proposed
    group_threshold: float = 0.4  # question cosine to a member whose answer agrees, to join its group
    attach_threshold: float = 0.7  # question cosine to an existing article's phrasing to attach to it
    answer_threshold: float = 0.8  # answer cosine: the agents must have said the same thing
    regrow_factor: float = 2.0  # a rejected group returns when it has grown this much


@dataclass
class RunSummary:
    read: int = 0
    anonymized: int = 0
    skipped_private: int = 0
    skipped_uncertain: int = 0
    skipped_empty: int = 0
    grouped: int = 0
    attached: int = 0
    groups_created: int = 0
    groups_merged: int = 0
    drafts_created: int = 0
    drafts_updated: int = 0
    draft_slugs: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"pairs read            {self.read}",
            f"anonymized            {self.anonymized}",
            f"skipped as private    {self.skipped_private}",
            f"skipped as uncertain  {self.skipped_uncertain}",
            f"skipped, no Q or A    {self.skipped_empty}",
            f"new groups            {self.groups_created}",
            f"groups folded         {self.groups_merged}",
            f"added to an article   {self.attached}",
            f"new drafts            {self.drafts_created}",
            f"drafts updated        {self.drafts_updated}",
        ]


def general_part(answer: str) -> str:
    """The answer without its sentences about this customer ("I sent it to [E-MAIL]").

    Used to compare answers: two agents who gave the same reply, one adding a line about
    the customer's order, said the same thing.
    """
    general = [s for s in SENTENCES.split(answer) if s.strip() and not PLACEHOLDER.search(s)]
    return " ".join(general) or answer


_CONTACT_CUE = re.compile(
    r"\b(?:my name is|name's|i am|i'm|this is|ich bin|mein name ist|ich heiße|reach me|contact me|call me|text me"
    r"|write to me|e-?mail me|erreichen sie mich|rufen sie mich|schreiben sie mir|my (?:iban|phone|number|e-?mail|address)"
    r"|meine (?:iban|telefonnummer|handynummer|nummer|e-?mail|adresse)|order (?:number|no\.?)|bestellnummer"
    r"|customer number|kundennummer)\b", re.IGNORECASE)


def without_contact_lines(question: str) -> str:
    """The question without the sentences that only introduce the customer or give contact data.

    "Hi, my name is [NAME]." or "You can reach me at [E-MAIL]." say nothing about the
    question but pull its vector towards every other question asked the same way, and
    read badly as a public phrasing. A sentence goes only if it holds a placeholder, a
    contact cue and little else; never the whole question.
    """
    kept = [s for s in SENTENCES.split(question) if s.strip() and not (
        PLACEHOLDER.search(s) and _CONTACT_CUE.search(s) and len(s.split()) <= 10 and "?" not in s)]
    return " ".join(kept) or question


def _shorten(text: str, limit: int) -> str:
    """At a word boundary, marked with an ellipsis; only for texts over an article field's limit."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


class Bridge:
    def __init__(self, engine: Engine, knowledge: KnowledgeBase, anonymizer: Anonymizer, topics: PrivateTopics,
                 settings: BridgeSettings = BridgeSettings()) -> None:
        self.engine = engine
        self.knowledge = knowledge
        self.anonymizer = anonymizer
        self.topics = topics.trained(knowledge.encoder)
        self.settings = settings
        self._published_words: Optional[frozenset[str]] = None  # read once per run

    def create_tables(self) -> None:
        """This part's tables alone, for its tests and benchmarks; a server's database gets every
        table from the schema migrations (`nahbar db upgrade`, run at each start)."""
        metadata.create_all(self.engine)

    def anonymize_words(self, text: str, language: Optional[str]) -> str:
        """A customer's words as editors may see them outside a draft (the gap list): anonymized
        as a mined pair is; what still looks personal afterwards is not shown at all."""
        result = self.anonymizer.anonymize(text, language or "en")
        if result.uncertain:
            return f"[not shown: still looks personal ({', '.join(result.residue)})]"
        return result.text

    def refresh(self, group_id: int) -> None:
        """Count a group's customers again and draft it anew (after an erasure took evidence away)."""
        self._refresh(group_id, RunSummary())

    def run(self, progress: Optional[Callable[[Iterable[Any]], Iterable[Any]]] = None) -> RunSummary:
        """Read what is new, anonymize and group it, and (re)draft the groups it touched; and
        anonymize the questions the bot missed, so their raw words live an interval at most."""
        summary = RunSummary()
        anonymize_misses(self.knowledge, self.anonymize_words)
        self._published_words = None
        raws = list(extract(self.engine))
        state = self._state()
        taken: list[int] = []
        for raw in (progress(raws) if progress else raws):
            summary.read += 1
            pair_id = self._take(raw, state, summary)
            if pair_id is not None:
                taken.append(pair_id)
        # The groups the new pairs ended up in, after every fold of this run.
        for group_id in sorted({state.group_of[pair_id] for pair_id in taken}):
            self._refresh(group_id, summary)
        return summary

    # -- one pair -------------------------------------------------------------------------

    def _take(self, raw: RawPair, state: "_GroupingState", summary: RunSummary) -> Optional[int]:
        """The id of the stored pair, or None when it was skipped."""
        language = raw.language or "en"
        customer = "" if raw.resolution_kind == "personal" else self.anonymizer.anonymize(
            raw.customer_text or raw.question, language, raw.known_names).text  # read by meaning, never kept
        reason = private_reason(self.topics, raw.resolution_kind, customer, raw.customer_text, raw.question,
                                raw.answer)
        if reason:
            summary.skipped_private += 1
            self._skip(raw, "private", reason)
            return None
        if not raw.question or not raw.answer:
            summary.skipped_empty += 1
            self._skip(raw, "empty", "no customer question or no answer in the transcript")
            return None
        question = self.anonymizer.anonymize(raw.question, language, raw.known_names, self._vocabulary())
        answer = self.anonymizer.anonymize(raw.answer, language, raw.known_names, self._vocabulary())
        if question.uncertain or answer.uncertain:
            summary.skipped_uncertain += 1
            self._skip(raw, "uncertain", "still looks personal after anonymization: "
                       + ", ".join(question.residue + answer.residue))
            return None
        summary.anonymized += 1
        vector, answer_vector = self.knowledge.encoder.encode([without_contact_lines(question.text),
                                                               general_part(answer.text)])
        group_id = self._assign(raw, question, vector, answer_vector, state, summary)
        pair_id = self._store(raw, question, answer, vector, answer_vector, group_id)
        if pair_id is None:
            return None
        state.add(pair_id, vector, answer_vector, group_id)
        return pair_id

    def _assign(self, raw: RawPair, question: Anonymized, vector: np.ndarray, answer_vector: np.ndarray,
                state: "_GroupingState", summary: RunSummary) -> int:
        if raw.article_slug:  # a bot answer the customer found helpful: evidence for that article
            article = self.knowledge.article(raw.article_slug, public_only=False)
            if article is not None:
                summary.attached += 1
                return self._article_group(article.id, summary)
        # Nearest answers first: a question is often closer in wording to a different
        # intent than to its own, but the agents' answers tell them apart. The question
        # must still be close enough, so a generic reply ("please call us") does not
        # gather unrelated questions.
        joined: list[int] = []
        for pair_id in state.agreeing(answer_vector, self.settings.answer_threshold):
            group_id = state.group_of[pair_id]
            if group_id not in joined and float(state.questions[pair_id] @ vector) >= self.settings.group_threshold:
                joined.append(group_id)
        if joined:
            summary.grouped += 1
            return self._merge(joined, state, summary) if len(joined) > 1 else joined[0]
        # Against an existing article only the question is compared: an agent's short reply
        # and the editor's full article say the same thing in very different lengths (the
        # demo's delivery answer and a two-line agent reply: cosine 0.55).
        hits = self.knowledge.search(question.text, None, 1)
        if hits and hits[0].score >= self.settings.attach_threshold:
            summary.attached += 1
            return self._article_group(hits[0].article.id, summary)
        summary.groups_created += 1
        return self._new_group("collecting", None)

    def _merge(self, group_ids: list[int], state: "_GroupingState", summary: RunSummary) -> int:
        """One pair bridges groups that agree in answer: fold the young ones into the first.

        Greedy grouping depends on arrival order: two wordings of one question that are
        not close to each other start two groups before a third wording links them. Only
        groups still collecting are folded (they have no draft and no editor decision yet).
        A folded group stays as a row marked "folded": deleting it let SQLite hand its id
        to the next new group, which the run then took for the folded one.
        """
        target = group_ids[0]
        with self.engine.begin() as conn:
            collecting = set(conn.execute(
                select(groups.c.id).where(groups.c.id.in_(group_ids[1:]), groups.c.status == "collecting")).scalars())
            if collecting:
                conn.execute(update(pairs).where(pairs.c.group_id.in_(collecting)).values(group_id=target))
                conn.execute(update(groups).where(groups.c.id.in_(collecting))
                             .values(status="folded", updated_at=utcnow()))
        state.fold(collecting, target)
        summary.groups_merged += len(collecting)
        return target

    def _article_group(self, article_id: int, summary: RunSummary) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(groups.c.id).where(groups.c.article_id == article_id, groups.c.status == "attached")
            ).scalar()
        if found is not None:
            return found
        summary.groups_created += 1
        return self._new_group("attached", article_id)

    def _new_group(self, status: str, article_id: Optional[int]) -> int:
        now = utcnow()
        with self.engine.begin() as conn:
            return conn.execute(
                insert(groups).values(status=status, article_id=article_id, customers=0, flags=[],
                                      created_at=now, updated_at=now)
            ).inserted_primary_key[0]

    def _store(self, raw: RawPair, question: Anonymized, answer: Anonymized, vector: np.ndarray,
               answer_vector: np.ndarray, group_id: int) -> Optional[int]:
        """The stored pair's id; None when its conversation was erased while this run read it."""
        with self.engine.begin() as conn:
            if conn.execute(select(conversations.c.id).where(conversations.c.id == raw.conversation_id)).first() is None:
                return None
            return conn.execute(
                insert(pairs).values(
                    source_key=raw.source_key, source=raw.source, conversation_id=raw.conversation_id,
                    status="grouped", language=raw.language, question=question.text, answer=answer.text,
                    question_spans=[s.to_dict() for s in question.spans],
                    answer_spans=[s.to_dict() for s in answer.spans],
                    vector=vector.astype(np.float32).tobytes(),
                    answer_vector=answer_vector.astype(np.float32).tobytes(), group_id=group_id,
                    helpful=1 if raw.source == "bot" else 0, created_at=utcnow(),
                )
            ).inserted_primary_key[0]

    def _skip(self, raw: RawPair, status: str, reason: str) -> None:
        """Remember that the pair was read, and why it was skipped; keep none of its text."""
        with self.engine.begin() as conn:
            conn.execute(insert(pairs).values(
                source_key=raw.source_key, source=raw.source, conversation_id=raw.conversation_id,
                status=status, skip_reason=reason[:80], language=raw.language, created_at=utcnow(),
            ))

    def _state(self) -> "_GroupingState":
        state = _GroupingState(self.knowledge.encoder.dimension)
        with self.engine.connect() as conn:
            rows = list(conn.execute(
                select(pairs.c.id, pairs.c.vector, pairs.c.answer_vector, pairs.c.answer, pairs.c.group_id)
                .join(groups, groups.c.id == pairs.c.group_id)
                .where(pairs.c.vector.is_not(None), groups.c.status != "attached")
            ))
        missing = [r for r in rows if r.answer_vector is None]  # pairs grouped before answers were compared
        filled = dict(zip((r.id for r in missing),
                          self.knowledge.encoder.encode([general_part(r.answer or "") for r in missing])))
        if filled:
            with self.engine.begin() as conn:
                for pair_id, answer_vector in filled.items():
                    conn.execute(update(pairs).where(pairs.c.id == pair_id).values(answer_vector=answer_vector.tobytes()))
        for row in rows:
            answer_vector = filled[row.id] if row.id in filled else np.frombuffer(row.answer_vector, dtype=np.float32)
            state.add(row.id, np.frombuffer(row.vector, dtype=np.float32), answer_vector, row.group_id)
        return state

    # -- groups and drafts ------------------------------------------------------------------

    def _refresh(self, group_id: int, summary: RunSummary) -> None:
        group, members = self.group(group_id)
        customers = len({m["conversation_id"] for m in members})
        values: dict[str, Any] = {"customers": customers, "updated_at": utcnow()}
        status = group["status"]
        grown = status == "rejected" and customers >= (group["size_at_decision"] or 0) * self.settings.regrow_factor
        if (status in ("collecting", "draft") or grown) and customers >= self.settings.min_customers:
            draft = self._draft(group_id, group, members)
            if draft is not None:
                slug, flags = draft
                if status == "draft":
                    summary.drafts_updated += 1
                else:
                    summary.drafts_created += 1
                    summary.draft_slugs.append(slug)
                values.update(status="draft", draft_slug=slug, flags=flags)
        with self.engine.begin() as conn:
            conn.execute(update(groups).where(groups.c.id == group_id).values(**values))

    def _draft(self, group_id: int, group: dict, members: list[dict]) -> Optional[tuple[str, list[dict]]]:
        """The draft article: what the group's customers and agents share, and nothing one of them alone wrote.

        Every text is masked word by word (bridge.shared_words): the question is the most
        representative one that needs no masking, the answer the one most agents share,
        and a customer's wording becomes a phrasing only if nothing in it had to be masked.
        """
        k = self.settings.min_customers
        words = SharedWords(((m["conversation_id"], f"{m['question']}\n{m['answer']}") for m in members), k,
                            self._vocabulary())
        language = lambda m: m["language"] or "en"  # noqa: E731
        # Article questions and phrasings have a length limit; longer customer messages
        # still count as evidence but cannot stand as a question.
        fitting = [m for m in members if len(m["question"]) <= MAX_QUESTION_CHARS] or members
        # The canonical question is one a customer wrote without introducing themselves,
        # the nearest to the group's centre among those that need no masking.
        plain = [m for m in fitting if without_contact_lines(m["question"]) == m["question"]] or fitting
        vectors = np.vstack([m["vector"] for m in plain])
        ranked = [plain[i] for i in np.argsort(-(vectors @ vectors.mean(axis=0)), kind="stable")]
        questions = [(m, words.check(m["question"], language(m))) for m in ranked]
        canonical, question = next(((m, c) for m, c in questions if c.public),
                                   next(((m, c) for m, c in questions if c.clean), questions[0]))
        # The answer most agents share, after masking: the medoid in words, without its
        # sentences that are mostly this one conversation's own ("I have noted … as the recipient").
        agents = SharedWords(((m["conversation_id"], m["answer"]) for m in members), k)
        answers = []
        for member in members:
            shortened, moved = shared_sentences(words, member["answer"], language(member))
            answers.append((member, words.check(shortened, language(member)), moved))
        best, answer, moved = max(answers, key=lambda a: (answer_agreement(agents, a[1].text), a[0]["id"]))
        alternatives: list[str] = []
        for member in fitting:
            text = without_contact_lines(member["question"])
            if member is canonical or text in alternatives or text == question.text or len(text) > MAX_QUESTION_CHARS:
                continue
            if words.check(text, language(member)).public:
                alternatives.append(text)
        slug = group["draft_slug"] or self._free_slug(question.without_flagged(), group_id)
        try:
            # Checked like any editor's input, so that a draft can always be approved as it is.
            data = ArticleInput.from_mapping({
                "slug": slug, "language": canonical["language"] or "en",
                "question": _shorten(question.text, MAX_QUESTION_CHARS),
                "answer": _shorten(answer.text, MAX_ANSWER_CHARS), "topic": "from-chats", "status": "draft",
                "origin": "bridge", "alternatives": alternatives[:MAX_ALTERNATIVES],
            })
            self.knowledge.save(data, actor=ACTOR, note=f"drafted from {len(members)} resolved chats")
        except ArticleError:
            logger.exception("could not write the draft of bridge group %s", group_id)
            return None
        flags = (_flags("question", canonical["question_spans"], question)
                 + _flags("answer", best["answer_spans"], answer, moved))
        for number, flag in enumerate(flags):
            flag.update(id=number, resolved=False)
        return slug, flags

    def _vocabulary(self) -> frozenset[str]:
        """Words of the published articles (their questions and answers, not customers' phrasings)."""
        if self._published_words is None:
            articles = self.knowledge.articles("published", None)
            self._published_words = frozenset(
                SharedWords.vocabulary_of(text for a in articles for text in (a.question, a.answer)))
        return self._published_words

    def _free_slug(self, question: str, group_id: int) -> str:
        """A slug stays when an editor rewrites the question: it holds no word the editor is asked to check."""
        base = slugify(PLACEHOLDER.sub(" ", question), 70) or "question"
        slug = base
        if self.knowledge.article(slug, public_only=False) is not None:
            slug = f"{base}-{group_id}"
        return slug

    def group(self, group_id: int) -> tuple[dict, list[dict]]:
        with self.engine.connect() as conn:
            group = conn.execute(select(groups).where(groups.c.id == group_id)).one()._asdict()
            rows = conn.execute(select(pairs).where(pairs.c.group_id == group_id).order_by(pairs.c.id))
            members = []
            for row in rows:
                member = row._asdict()
                member["vector"] = np.frombuffer(row.vector, dtype=np.float32)
                members.append(member)
        return group, members

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {s: int(n) for s, n in conn.execute(select(pairs.c.status, func.count()).group_by(pairs.c.status))}


def shared_sentences(words: SharedWords, answer: str, language: str) -> tuple[str, Callable[[int], Optional[int]]]:
    """The answer without the sentences in which no more than half the content words are shared by k conversations,
    and without those about this customer (holding a placeholder: "we'll confirm to [E-MAIL]").

    A line an agent wrote for one customer ("Ich habe das für Sie geprüft, Herr …",
    "I've noted … as the recipient") carries that customer, whatever the recognizers made
    of it; the answer itself is what the agents say to everyone. Never everything goes.
    Also returns where a position of the answer is in the shortened text (None: dropped).
    """
    pieces = _sentence_spans(answer)
    kept = [(start, end) for start, end in pieces if words.shared_share(answer[start:end], language) > 0.5
            and not PLACEHOLDER.search(answer[start:end])] or pieces
    offsets, position = [], 0
    for start, end in kept:
        offsets.append((start, end, position))
        position += end - start + 1
    text = " ".join(answer[start:end] for start, end in kept)

    def moved(pos: int) -> Optional[int]:
        return next((new + pos - start for start, end, new in offsets if start <= pos < end), None)

    return text, moved


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of the text starts and ends, split as SENTENCES splits."""
    spans, start = [], 0
    for separator in SENTENCES.finditer(text):
        if text[start:separator.start()].strip():
            spans.append((start, separator.start()))
        start = separator.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _flags(field: str, spans: list[dict], checked: Checked,
           moved: Callable[[int], Optional[int]] = lambda pos: pos) -> list[dict]:
    """What an editor must check: the anonymizer's unsure findings, and words few customers wrote that were kept."""
    flags = []
    for span in spans or []:
        position = moved(span["start"]) if span["unsure"] else None
        if position is not None and position in checked.moved:
            start = checked.moved[position]
            placeholder = PLACEHOLDERS.get(span["kind"], "")
            flags.append({"field": field, "start": start, "end": start + len(placeholder), "kind": span["kind"],
                          "unsure": True})
    # Kept words fewer than k wrote that are rare or may be a name (a question with none of
    # them was preferred; the answer keeps what most agents share).
    rare = {word.start: word for word in checked.kept_rare + checked.name_like}
    for word in rare.values():
        flags.append({"field": field, "start": word.start, "end": word.end, "kind": "RARE WORD", "unsure": True,
                      "text": word.text, "customers": word.support})
    return sorted(flags, key=lambda f: f["start"])


class _GroupingState:
    """The grouped pairs of this run: answer vectors in FAISS, question vectors beside them."""

    def __init__(self, dimension: int) -> None:
        self.answer_index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.group_of: dict[int, int] = {}
        self.questions: dict[int, np.ndarray] = {}

    def add(self, pair_id: int, vector: np.ndarray, answer_vector: np.ndarray, group_id: int) -> None:
        self.answer_index.add_with_ids(answer_vector.reshape(1, -1).astype(np.float32),
                                       np.array([pair_id], dtype=np.int64))
        self.group_of[pair_id] = group_id
        self.questions[pair_id] = vector

    def agreeing(self, answer_vector: np.ndarray, threshold: float) -> list[int]:
        """Grouped pairs whose answers are at least `threshold` alike, most alike first."""
        if not self.answer_index.ntotal:
            return []
        scores, ids = self.answer_index.search(answer_vector.reshape(1, -1).astype(np.float32), NEIGHBOURS)
        return [int(i) for score, i in zip(scores[0], ids[0]) if i >= 0 and score >= threshold]

    def fold(self, group_ids: set[int], target: int) -> None:
        for pair_id, group_id in self.group_of.items():
            if group_id in group_ids:
                self.group_of[pair_id] = target
