"""What an article is, and how input describing one is checked before anything is stored."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Optional

from i18n import gettext as _
from knowledge.schema import LANGUAGES, ORIGINS, STATUSES

MAX_QUESTION_CHARS = 300
MAX_ANSWER_CHARS = 20_000
MAX_TAGS = 20
MAX_PHRASINGS = 200
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


class ArticleError(ValueError):
    """Input that cannot become an article; the message says what to change."""


@dataclass(frozen=True)
class Article:
    id: int
    slug: str
    language: str
    topic: str
    tags: tuple[str, ...]
    question: str
    answer: str
    status: str
    origin: str
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def is_public(self) -> bool:
        return self.status == "published"

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "language": self.language,
            "topic": self.topic,
            "tags": list(self.tags),
            "question": self.question,
            "answer": self.answer,
            "status": self.status,
            "origin": self.origin,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class ArticleInput:
    """A checked description of an article, as an editor, an import file or the bridge gives it."""

    slug: str
    language: str
    question: str
    answer: str
    topic: str = "general"
    tags: tuple[str, ...] = ()
    status: str = "published"
    origin: str = "editor"
    alternatives: tuple[str, ...] = field(default=())

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], default_status: str = "published") -> "ArticleInput":
        """Check an untrusted mapping (an import file entry, a form) field by field."""
        if not isinstance(data, Mapping):
            raise ArticleError("an article must be a mapping with question, answer and language")
        problems: list[str] = []

        def text(name: str, limit: int, required: bool = True) -> str:
            value = data.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                problems.append(f"{name} must be text")
                return ""
            value = value.strip()
            if required and not value:
                problems.append(f"{name} is missing")
            elif len(value) > limit:
                problems.append(f"{name} is longer than {limit} characters")
            return value

        question = text("question", MAX_QUESTION_CHARS)
        answer = text("answer", MAX_ANSWER_CHARS)
        language = text("language", 2)
        if language and language not in LANGUAGES:
            problems.append(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
        topic = text("topic", 80, required=False) or "general"
        status = text("status", 12, required=False) or default_status
        if status not in STATUSES:
            problems.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
        origin = text("origin", 12, required=False) or "editor"
        if origin not in ORIGINS:
            problems.append(f"origin {origin!r} is not one of {', '.join(ORIGINS)}")
        tags = _string_list(data.get("tags"), "tags", MAX_TAGS, 60, problems)
        alternatives = _string_list(data.get("alternatives"), "alternatives", MAX_PHRASINGS, MAX_QUESTION_CHARS, problems)
        slug = text("slug", 120, required=False) or slugify(question)
        if slug and not _SLUG_RE.match(slug):
            problems.append(f"slug {slug!r} may only hold lowercase letters, digits and single hyphens")
        if not slug and not problems:
            problems.append("slug is missing and cannot be made from the question")
        if problems:
            raise ArticleError("; ".join(problems))
        return cls(slug, language, question, answer, topic, tags, status, origin, alternatives)


def _string_list(value: Any, name: str, max_items: int, max_chars: int, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        problems.append(f"{name} must be a list of texts")
        return ()
    items = tuple(dict.fromkeys(item.strip() for item in value if item.strip()))
    if len(items) > max_items:
        problems.append(f"{name} has more than {max_items} entries")
    if any(len(item) > max_chars for item in items):
        problems.append(f"every entry of {name} must be at most {max_chars} characters")
    return items


ARTICLE_PATH = "/kb/{slug}"  # where an article is public; routes, links and the bot's answers use it


def article_path(slug: str) -> str:
    """The path of an article's public page (a template global too)."""
    return ARTICLE_PATH.format(slug=slug)


def article_url(base_url: str, slug: str) -> str:
    """The public address of an article, for the bot, agents and the API."""
    return f"{base_url.rstrip('/')}{article_path(slug)}"


def slugify(text: str, max_length: int = 80) -> str:
    """A readable URL slug; German umlauts become ae/oe/ue so slugs stay ASCII and meaningful."""
    text = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_length].rstrip("-")


def parse_language(value: Optional[str]) -> Optional[str]:
    """A language filter from user input: None means all languages."""
    if value in (None, "", "all", "any"):
        return None
    if value not in LANGUAGES:
        raise ArticleError(_("language {value} is not one of {languages}", value=repr(value), languages=", ".join(LANGUAGES)))
    return value
