"""``alinea review``: correct an alignment in the browser.

- :mod:`alinea.review.edits`: the edits as pure functions (merge, split, move, unalign,
  edit text, confirm), each a :class:`~alinea.review.edits.Change` that undo turns around
- :mod:`alinea.review.store`: the review file (SQLite) that keeps every edit at once
- :mod:`alinea.review.session`: a review in progress: open, edit, undo/redo, re-align, views, export
- :mod:`alinea.review.view`: risk reasons, filters, search and riskiest-first order
- :mod:`alinea.review.server`: the web app (Starlette on uvicorn, 127.0.0.1, token) and the
  page in ``static/`` (plain HTML, CSS and JavaScript)

Nothing here is imported by the other commands: the web stack loads only for ``alinea review``.
"""
