"""The demo's calendar (D9): the demo is relative to the day it is seeded.

The plan's dates are written as they stand on ``PLAN_DAY``. Seeded on another day, every current
date — programs, placements, selections, leave, inspections, attendance, duties, reports — moves
by the same number of days, so the demo looks the same whatever day it runs: the same states,
the same things waiting for each account. History does not move: 杭州's 2006 batch (R25) keeps
its own dates.
"""

import datetime as dt
from dataclasses import dataclass

# The day the plan's dates were written for.
PLAN_DAY = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class DemoDays:
    """``days(2026, 3, 1)``: the plan's 2026-03-01 as it falls when the demo is seeded on ``today``."""

    today: dt.date

    @property
    def shift(self) -> dt.timedelta:
        return self.today - PLAN_DAY

    def __call__(self, year: int, month: int, day: int) -> dt.date:
        return dt.date(year, month, day) + self.shift

    def weekday(self, year: int, month: int, day: int) -> dt.date:
        """The moved day, or the Monday after it when it falls on a weekend: the days people act
        on (a proposal, an arrival) are weekdays. A day in the past is never moved past today."""
        moved = self(year, month, day)
        snapped = moved + dt.timedelta(days=7 - moved.weekday()) if moved.weekday() >= 5 else moved
        return moved if moved <= self.today < snapped else snapped
