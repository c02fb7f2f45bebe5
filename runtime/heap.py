"""The worker's heap after start-up, kept out of the cyclic garbage collector's full passes."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect once, then freeze what start-up built (gc.freeze): it lives as long as the worker.

    A full (generation 2) collection walks every tracked object, and a started worker holds
    some 85,000 of them (aiogram's models, SQLAlchemy's compiled statements, the catalogs).
    A 90-day audit export or a calendar feed allocates enough to trigger such passes, each
    about 80 ms on the two-core machine (docs/benchmarks.md, section 8); frozen objects are
    never walked again, and what is made after start-up is collected as before.
    """
    gc.collect()
    gc.freeze()
