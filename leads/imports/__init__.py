"""CSV import of leads.

- ``fields``: what a column can be mapped to, and the guess from header names;
- ``parsing``: bytes to rows (encoding, delimiter, header);
- ``checks``: the checks that need Python (email, phone, date), in one tight loop over the rows;
- ``staging``: COPY into a temporary table, then set-based SQL validates, dedupes and writes;
- ``services``: upload, start, run (in chunks, with progress), mappings;
- ``selectors``, ``tasks``, ``handlers``, ``api``, ``forms``: as everywhere else.
"""
