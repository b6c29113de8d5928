"""Audit of ECS Exec sessions: who ran which session (CloudTrail), and where its transcript is.

Layout (pure core, AWS at the edges):

- :mod:`.model` — typed records (``ExecSession``, ``Identity``, ``Caller``, ``TranscriptRef``, ``WindowInterval``).
- :mod:`.timerange` — ``--since`` / ``--until`` parsing (pure).
- :mod:`.parse` — CloudTrail record -> ``ExecSession`` (pure).
- :mod:`.windows` — exec-window events and tags -> open intervals (pure).
- :mod:`.flags` — the findings of one session (pure); the generic session names live there.
- :mod:`.callers` — the real caller: a session joined to the STS ``AssumeRole*`` event that issued its
  credentials (pure); :mod:`.issuers` reads those events (LookupEvents in the region and us-east-1, or files).
- :mod:`.lookup` — CloudTrail ``LookupEvents`` (AWS).
- :mod:`.event_files` — CloudTrail records from files (``--events-file``: trail log files, exports, an
  organization trail; parsed in worker processes; no AWS); :mod:`.trail_layout` reads a file's account,
  region and day from its path (pure).
- :mod:`.discovery` — transcripts of many sessions in bulk: one log-stream listing per exec log group,
  one version listing per bucket prefix, per-session lookups when fewer calls (AWS).
- :mod:`.transcripts` — one session's transcript and its text, the first S3 version (AWS).
- :mod:`.window_source` — window events stream, service tags, task -> service (AWS).
- :mod:`.report` — joins the above into an ``AuditReport``; :mod:`.render` turns it into rows.
"""
