"""Figures for operators, in the Prometheus text format (`/metrics`).

Counters and histograms are counted in this process as things happen; queue length,
conversations per state and the recent ratings per agent are read from the database at
scrape time, so they are right whichever process changed them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from helpdesk.handoff_store import HandoffStore
from helpdesk.rating_figures import Figures, RatingFigures
from knowledge.store import utcnow

WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
# The per-agent rating gauges cover this window; Prometheus keeps their history.
RATING_WINDOW = timedelta(days=28)


class HelpdeskMetrics:
    def __init__(self, handoffs: HandoffStore, agents_online: Callable[[], int],
                 rating_figures: RatingFigures) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "nahbar_messages", "Chat messages stored, by sender", ["sender"], registry=self.registry
        )
        self.handoffs = Counter(
            "nahbar_handoffs", "Conversations handed to people, by reason", ["reason"], registry=self.registry
        )
        self.wait = Histogram(
            "nahbar_handoff_wait_seconds", "Time from handoff to an agent claiming the chat",
            buckets=WAIT_BUCKETS, registry=self.registry,
        )
        self.first_response = Histogram(
            "nahbar_first_response_seconds", "Time from claiming a chat to the agent's first reply",
            buckets=WAIT_BUCKETS, registry=self.registry,
        )
        # Five series: one per number of stars, whatever the number of agents.
        self.ratings = Counter(
            "nahbar_ratings", "Customers' ratings of resolved chats, by stars", ["stars"], registry=self.registry
        )
        self.ratings_skipped = Counter(
            "nahbar_ratings_skipped", "Resolved chats whose customer skipped the rating", registry=self.registry
        )
        self.registry.register(_QueueCollector(handoffs, agents_online))
        self.registry.register(_RatingCollector(rating_figures))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _QueueCollector(Collector):
    def __init__(self, handoffs: HandoffStore, agents_online: Callable[[], int]) -> None:
        self.handoffs = handoffs
        self.agents_online = agents_online

    def collect(self) -> Iterable[GaugeMetricFamily]:
        queue = self.handoffs.queue()
        length = GaugeMetricFamily("nahbar_queue_length", "Conversations waiting for an agent", labels=["priority"])
        for priority, name in ((2, "safety"), (1, "upset"), (0, "normal")):
            length.add_metric([name], sum(1 for e in queue if e.handoff.priority == priority))
        yield length
        now = utcnow()
        oldest = max(((now - e.handoff.requested_at).total_seconds() for e in queue), default=0.0)
        yield GaugeMetricFamily("nahbar_queue_oldest_wait_seconds", "How long the longest-waiting customer has waited",
                                value=oldest)
        states = GaugeMetricFamily("nahbar_conversations", "Conversations by state", labels=["state"])
        counts = self.handoffs.counts_by_state()
        for state in ("bot", "waiting", "agent", "resolved"):
            states.add_metric([state], counts.get(state, 0))
        yield states
        yield GaugeMetricFamily("nahbar_agents_online", "Agents with the console open", value=self.agents_online())


class _RatingCollector(Collector):
    """Each agent's ratings of the last four weeks: one series per agent (bounded by the staff,
    labelled by username), and the team's average; the same from every process."""

    def __init__(self, figures: RatingFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterable[GaugeMetricFamily]:
        by_agent = self.figures.by_agent(utcnow() - RATING_WINDOW)
        count = GaugeMetricFamily("nahbar_agent_ratings", "Ratings of the agent's chats in the last 28 days",
                                  labels=["agent"])
        average = GaugeMetricFamily("nahbar_agent_rating_average",
                                    "Average stars (1-5) of the agent's chats in the last 28 days", labels=["agent"])
        for agent, figures in sorted(by_agent.items()):
            count.add_metric([agent], figures.rated)
            if figures.average is not None:
                average.add_metric([agent], figures.average)
        yield count
        yield average
        team = sum(by_agent.values(), Figures())
        if team.average is not None:
            yield GaugeMetricFamily("nahbar_team_rating_average",
                                    "Average stars (1-5) of all agents' chats in the last 28 days", value=team.average)
