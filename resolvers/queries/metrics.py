from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from domain.services.metrics import supervision_figures
from resolvers.context import Info
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.metrics import Metrics


@strawberry.type
class MetricsQuery:
    @signed_in_field(
        description="The supervision figures for [from, to): SUPERVISOR and REGISTRAR; null for anyone else"
    )
    async def metrics(
        self,
        info: Info,
        period_from: Annotated[datetime.datetime, strawberry.argument(name="from")],
        to: datetime.datetime,
    ) -> Metrics | None:
        services = info.context.services
        report = await supervision_figures(viewer_of(info), services.clock, services.policy, period_from, to)
        return Metrics.of(report) if report else None
