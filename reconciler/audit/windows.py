"""Exec windows as the audit sees them: events and tags -> open intervals -> a check per session. Pure.

The exec-window commands write one JSON log event per change to the stream
``spec.windows.events_stream_name`` of each cluster's exec log group; the audit reads them with the
same record that writes them (:class:`reconciler.windows.record.WindowEvent`, parsed defensively by
:func:`~reconciler.windows.record.parse_window_event`: unusable lines are skipped and counted). The
service's tags (:func:`reconciler.windows.record.parse_window`) add the latest window even when its
events are lost.

Tags can be edited by hand and the events stream lives in the exec log group (task roles may write
there), so with ``max_minutes`` (``access.max_window_minutes``) no interval lasts longer than the
maximum (plus clock skew) from its start: an expiry rewritten to ``9999-12-31`` covers nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from ecs_exec.clock import iso
from generator.spec import ExecMode
from reconciler.audit.model import ExecSession, WindowCheck, WindowInterval, WindowStatus
from reconciler.windows.record import CLOCK_SKEW, EventKind, WindowEvent, WindowState


def cap_interval(interval: WindowInterval, max_minutes: int | None) -> WindowInterval:
    """``interval`` trimmed to at most ``max_minutes`` (plus :data:`CLOCK_SKEW`) after its start; as is without a maximum."""
    if max_minutes is None:
        return interval
    try:
        limit = interval.start + timedelta(minutes=max_minutes) + CLOCK_SKEW
    except OverflowError:  # a start at the end of time: nothing to trim
        return interval
    return interval if interval.end <= limit else replace(interval, end=limit)


def build_intervals(events: Iterable[WindowEvent], max_minutes: int | None = None) -> list[WindowInterval]:
    """Replay window events (per cluster/service, in time order) into open intervals.

    ``opened`` starts a window until ``expires_at``; ``extended`` moves the end (or starts a window at
    ``at`` when its ``opened`` event is missing); ``closed`` ends it early. Each interval is capped by
    :func:`cap_interval`.
    """
    by_service: dict[tuple[str, str], list[WindowEvent]] = {}
    for ev in events:
        by_service.setdefault((ev.cluster, ev.service), []).append(ev)
    out: list[WindowInterval] = []
    for (cluster, service), evs in sorted(by_service.items()):
        current: WindowInterval | None = None
        for ev in sorted(evs, key=lambda e: e.at):
            if ev.event is EventKind.OPENED and ev.expires_at is not None:
                if current is not None:
                    out.append(current)
                current = WindowInterval(cluster, service, ev.at, ev.expires_at, ev.opened_by)
            elif ev.event is EventKind.EXTENDED and ev.expires_at is not None:
                if current is None:  # its "opened" event is lost: start at the recorded opening, if any
                    current = WindowInterval(
                        cluster, service, ev.opened_at or ev.at, ev.expires_at, ev.opened_by
                    )
                else:
                    current = WindowInterval(
                        cluster, service, current.start, ev.expires_at, current.opened_by
                    )
            elif ev.event is EventKind.CLOSED and current is not None:
                out.append(
                    WindowInterval(
                        cluster, service, current.start, min(current.end, ev.at), current.opened_by
                    )
                )
                current = None
        if current is not None:
            out.append(current)
    return [cap_interval(iv, max_minutes) for iv in out]


def interval_from_tags(
    cluster: str, service: str, window: WindowState | None, max_minutes: int | None = None
) -> WindowInterval | None:
    """The window recorded in a service's tags as an interval (None without an opening time), capped by
    :func:`cap_interval`."""
    if window is None or window.opened_at is None:
        return None
    interval = WindowInterval(cluster, service, window.opened_at, window.expires_at, window.opened_by)
    return cap_interval(interval, max_minutes)


def check_window(
    session: ExecSession,
    service: str | None,
    intervals: Iterable[WindowInterval],
    exec_mode: ExecMode | None,
    has_records: bool,
) -> WindowCheck:
    """Was an exec window open for ``session`` at its ``event_time``?

    Args:
        service: the session's service (from the task's ``group``), None when unknown.
        intervals: every known window interval (any cluster).
        exec_mode: the cluster's mode from the config; None for a cluster the config does not name.
        has_records: True when any window event or window tag was found for the session's cluster.

    Returns ``OPEN`` / ``NONE`` (flagged) / ``UNKNOWN`` (no window records for the cluster, or the
    service cannot be told and some window was open on the cluster) / ``NOT_APPLICABLE`` (failed call,
    or mode ``always``). Mode ``never`` refuses windows, so a session there is ``NONE``.
    """
    if session.failed:
        return WindowCheck(WindowStatus.NOT_APPLICABLE, service, "failed call: no session")
    if exec_mode is ExecMode.ALWAYS:
        return WindowCheck(WindowStatus.NOT_APPLICABLE, service, "exec mode 'always': no window needed")
    when = iso(session.event_time)
    if exec_mode is ExecMode.NEVER:
        return WindowCheck(
            WindowStatus.NONE, service, f"exec mode 'never' on cluster {session.cluster}: windows are refused"
        )
    if not has_records:
        return WindowCheck(
            WindowStatus.UNKNOWN,
            service,
            f"no exec-window events or tags recorded for cluster {session.cluster}",
        )
    on_cluster = [iv for iv in intervals if iv.cluster == session.cluster and iv.covers(session.event_time)]
    if service is not None:
        hit = next((iv for iv in on_cluster if iv.service == service), None)
        if hit is not None:
            return WindowCheck(
                WindowStatus.OPEN,
                service,
                f"window {iso(hit.start)}..{iso(hit.end)} opened by {hit.opened_by or '?'}",
                end=hit.end,
            )
        return WindowCheck(WindowStatus.NONE, service, f"no window open on service {service} at {when}")
    if on_cluster:
        names = ", ".join(sorted({iv.service for iv in on_cluster}))
        return WindowCheck(
            WindowStatus.UNKNOWN,
            None,
            f"service of task {session.task} unknown; windows open at {when}: {names}",
        )
    return WindowCheck(
        WindowStatus.NONE, None, f"no window open on any service of cluster {session.cluster} at {when}"
    )
