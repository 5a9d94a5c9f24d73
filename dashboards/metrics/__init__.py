"""The dashboard's metrics, one module each; every value says when it was true (``as_of``) and how fresh
it is kept: live (maintained with the data), cached (at most 5 minutes old), hourly or daily (a job).

A scope is a team, or one rep of it (``owner_id``). A period is a half-open date range.
"""
