"""Reports for translators: alignment review (:mod:`report.review`),
consistency check (:mod:`report.consistency`) and MT scores (:mod:`report.mtscore`).

Import the submodule you need; this package imports nothing heavy by itself.
"""
