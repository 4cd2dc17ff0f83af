"""Cached helpers that several pages share."""

from __future__ import annotations

import datetime as dt

from components.context import Context
from tracker.views import period


def data_period(ctx: Context) -> tuple[dt.date, dt.date]:
    return period(ctx.workspace.scenarios.scenarios, ctx.workspace.events)
