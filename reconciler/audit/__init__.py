"""Audit of ECS Exec sessions: who ran which session (CloudTrail), and where its transcript is.

Layout (pure core, AWS at the edges):

- :mod:`.model` — typed records (``ExecSession``, ``Identity``, ``TranscriptRef``, ``WindowInterval``).
- :mod:`.timerange` — ``--since`` / ``--until`` parsing (pure).
- :mod:`.parse` — CloudTrail record -> ``ExecSession`` (pure).
- :mod:`.windows` — exec-window events and tags -> open intervals (pure).
- :mod:`.flags` — the findings of one session (pure); the generic session names live there.
- :mod:`.lookup` — CloudTrail ``LookupEvents`` (AWS).
- :mod:`.event_files` — CloudTrail records from files (``--events-file``: trail log files, exports; no AWS).
- :mod:`.transcripts` — CloudWatch log stream / S3 object of a session (AWS).
- :mod:`.window_source` — window events stream, service tags, task -> service (AWS).
- :mod:`.report` — joins the above into an ``AuditReport``; :mod:`.render` turns it into rows.
"""
