"""What a speed figure was measured on: the BLAS library, its kernel and its threads.

Why it is printed with every benchmark: multi-threaded OpenBLAS collapses about tenfold on a
2-core machine as soon as another process wants a core (its threads spin and wait), and the
``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` variables that some machines set for old OpenBLAS
builds cost ~30% on the dense encoders. A figure without these facts cannot be compared.
"""

from __future__ import annotations

import os


def describe_blas() -> str:
    """One line: BLAS library, version, kernel (architecture), threads, and the OpenBLAS variables set."""
    import numpy  # noqa: F401 - loads the BLAS library threadpoolctl inspects
    from threadpoolctl import threadpool_info

    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    parts = [
        f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} threads={i.get('num_threads')}"
        for i in libs
    ] or ["no BLAS library loaded"]
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
    env = {k: os.environ[k] for k in names if k in os.environ}
    unset = "" if env else " (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)"
    from tidings.options import Options

    pinned = Options.blas_threads
    during = f"; during the run the engine pins {pinned} per process (Options.blas_threads)" if pinned > 0 else ""
    return "BLAS: " + "; ".join(parts) + (f"; environment {env}" if env else unset) + during
