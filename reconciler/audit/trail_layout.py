"""Where a trail log file sits in a trail's bucket layout, read from its path. Pure.

A trail delivers to ``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz``; an
organization trail to ``AWSLogs/<org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz``
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html,
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html). Knowing
the account, region and day of a file without opening it lets ``--events-file`` skip the files of other
accounts and of days outside the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath

#: A file's folder day and the events in it may differ by the delivery delay (CloudTrail delivers
#: within about 15 minutes; a folder holds the files *delivered* that day, UTC).
DELIVERY_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class TrailPlace:
    """The account, region and (when the path has it) day of a trail log file."""

    account: str
    region: str
    day: date | None = None

    def in_days(self, start: datetime, end: datetime) -> bool:
        """True unless the file's day is certainly outside ``[start, end]`` (UTC), with
        :data:`DELIVERY_SLACK` on both sides."""
        if self.day is None:
            return True
        return (start - DELIVERY_SLACK).date() <= self.day <= (end + DELIVERY_SLACK).date()


def trail_place(path: str) -> TrailPlace | None:
    """``.../AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/f.json.gz`` -> place; None when
    the path does not follow that layout (a file given by another name is read as is)."""
    parts = PurePath(path).parts
    for i, part in enumerate(parts):
        if part != "CloudTrail" or i < 2 or i + 1 >= len(parts) - 1:
            continue
        account = parts[i - 1]
        if not (account.isdigit() and len(account) == 12) or "AWSLogs" not in parts[max(0, i - 3) : i - 1]:
            continue
        day = None
        ymd = parts[i + 2 : i + 5]
        if len(ymd) == 3 and all(p.isdigit() for p in ymd):
            try:
                day = datetime(int(ymd[0]), int(ymd[1]), int(ymd[2]), tzinfo=UTC).date()
            except ValueError:
                day = None
        return TrailPlace(account, parts[i + 1], day)
    return None
