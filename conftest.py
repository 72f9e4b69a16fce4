"""Test set-up shared by the unit tests and nbval: pin BLAS to one thread before NumPy loads.

nbval's kernels inherit this process's environment, so the notebooks run with the same
setting: the same sums in the same order, hence the same printed numbers, on every machine.
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
