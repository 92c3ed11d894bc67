"""Stage 2, the checker, split by concern.

``context`` (diagnostics, scopes, did-you-mean), ``merge`` (``extends``), ``types``,
``bounds`` (interval proofs and counterexamples) and ``checker`` (the walk that ties them).
"""

from .checker import check_chain

__all__ = ["check_chain"]
