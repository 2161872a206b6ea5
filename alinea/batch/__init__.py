"""Align a whole corpus: document pairs found by name or manifest, run on Dask or in slices.

``run_batch`` aligns every pair on a local Dask cluster or an existing one;
``run_shard`` aligns one slice of the pairs in the calling process and
``merge_shards`` writes the corpus outputs once every slice is done. Dask is
imported only when a cluster is started (``pip install 'alinea[batch]'``).
"""
from __future__ import annotations

from .corpus import BatchOutcome
from .job import PairOptions, PairResult, align_pair
from .pairs import DocumentPair, Orphan, Pairing, find_pairs, parse_shard, shard_of
from .run import merge_shards, run_batch, run_shard

__all__ = ["BatchOutcome", "DocumentPair", "Orphan", "PairOptions", "PairResult", "Pairing", "align_pair",
           "find_pairs", "merge_shards", "parse_shard", "run_batch", "run_shard", "shard_of"]
