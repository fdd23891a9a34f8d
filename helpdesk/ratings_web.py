"""Customers' ratings in the consoles: an agent's own (`/agent/ratings`) and every agent's and
the team's per week for admins (`/admin/ratings`).

Thin over helpdesk.rating_figures. The routes join sub-applications whose guard already
decides who may see them (the agent console's: agents and admins; `/admin`: admins), so
an agent only ever sees their own figures and comments.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from helpdesk.rating_figures import RatingFigures
from knowledge.store import utcnow
from staff.web import STAFF_SESSION, StaffAuth

WEEKS = 12


class RatingPages:
    def __init__(self, figures: RatingFigures, auth: StaffAuth) -> None:
        self.figures = figures
        self.auth = auth

    def agent_routes(self) -> list[web.RouteDef]:
        """For the agent console's pages (`/agent`)."""
        return [web.get("/ratings", self.mine)]

    def admin_routes(self) -> list[web.RouteDef]:
        """For the admins' sub-application (`/admin`)."""
        return [web.get("/ratings", self.everyone)]

    async def mine(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        user = session.user
        own = await asyncio.to_thread(self.figures.agent, user.id)
        weekly = await asyncio.to_thread(self.figures.weekly, utcnow(), WEEKS, user.id)
        return self.auth.render("agent_ratings.html", user=user, csrf_token=session.csrf_token, own=own,
                                weekly=weekly, rows=weekly.agents)

    async def everyone(self, request: web.Request) -> web.Response:
        session = request[STAFF_SESSION]
        weekly = await asyncio.to_thread(self.figures.weekly, utcnow(), WEEKS)
        return self.auth.render("admin_ratings.html", user=session.user, csrf_token=session.csrf_token,
                                weekly=weekly, rows=[*weekly.agents, weekly.team])
