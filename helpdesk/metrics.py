"""Figures for operators, in the Prometheus text format (`/metrics`).

Counters and histograms are counted in this process as things happen; queue length and
conversations per state are read from the database at scrape time, so they are right
whichever process changed them.
"""

from __future__ import annotations

from typing import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from helpdesk.handoff_store import HandoffStore
from knowledge.store import utcnow

WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)


class HelpdeskMetrics:
    def __init__(self, handoffs: HandoffStore, agents_online: Callable[[], int]) -> None:
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
        self.registry.register(_QueueCollector(handoffs, agents_online))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _QueueCollector(Collector):
    def __init__(self, handoffs: HandoffStore, agents_online: Callable[[], int]) -> None:
        self.handoffs = handoffs
        self.agents_online = agents_online

    def collect(self) -> Iterable[GaugeMetricFamily]:
        queue = self.handoffs.queue()
        length = GaugeMetricFamily("nahbar_queue_length", "Conversations waiting for an agent", labels=["priority"])
        for priority, name in ((1, "upset"), (0, "normal")):
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
