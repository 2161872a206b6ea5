"""Reports for translators: alignment review (:mod:`alinea.report.review`),
consistency check (:mod:`alinea.report.consistency`) and MT scores (:mod:`alinea.report.mtscore`).

Import the submodule you need; this package imports nothing heavy by itself.
"""
