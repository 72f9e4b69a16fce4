"""Run the notebook tests (nbval, strict) as other machines would: other CPUs' BLAS kernels and
other BLAS thread counts.

Float32 training sums in a different order on another CPU (OpenBLAS picks its kernels from the
CPU it runs on) or with another number of threads, and a few epochs of SGD turn the last-bit
difference into a different accuracy. OpenBLAS reads ``OPENBLAS_CORETYPE`` and then uses that CPU
family's kernels, so one machine can stand in for many. A configuration is ``CORETYPE:THREADS``
(``THREADS`` may be ``unset``); a core type this CPU cannot run (SkylakeX needs AVX-512, Haswell
AVX2, Sandybridge AVX) is skipped and said so. Each run checks that OpenBLAS really used the
kernels asked for.

    python tools/portability.py Haswell:1 Sandybridge:4 Prescott:unset SkylakeX:2
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
NEEDS = {  # the CPU flags (from /proc/cpuinfo) each OpenBLAS core type's kernels use
    "SkylakeX": {"avx512f", "avx512bw", "avx512dq", "avx512vl"},
    "Cooperlake": {"avx512f", "avx512bw", "avx512_bf16"},
    "Zen": {"avx2", "fma"},
    "Haswell": {"avx2", "fma"},
    "Sandybridge": {"avx"},
    "Nehalem": {"sse4_2"},
    "Prescott": {"pni"},  # SSE3: Linux names it "pni" (Prescott New Instructions) in /proc/cpuinfo
}
# What threadpoolctl reports for a core type, where OpenBLAS's name differs from the one asked for
REPORTED = {"Zen": {"Zen", "Haswell"}, "Cooperlake": {"Cooperlake", "SkylakeX"},
            "Prescott": {"Prescott", "Katmai"}}
ARCHITECTURE = "import numpy, threadpoolctl, json; print(json.dumps([i.get('architecture') for i in " \
               "threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']))"


def cpu_flags() -> set[str] | None:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


def environment(coretype: str, threads: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env["OPENBLAS_CORETYPE"] = coretype
    if threads != "unset":
        env.update(dict.fromkeys(THREAD_VARS, threads))
    return env


def main(configs: list[str]) -> int:
    flags = cpu_flags()
    results = []
    for config in configs:
        coretype, _, threads = config.partition(":")
        threads = threads or "unset"
        if coretype not in NEEDS:
            sys.exit(f"portability: unknown core type {coretype!r}; known: {', '.join(NEEDS)}")
        if flags is not None and not NEEDS[coretype] <= flags:
            missing = ", ".join(sorted(NEEDS[coretype] - flags))
            results.append((config, "skipped", f"this CPU lacks {missing}"))
            continue
        env = environment(coretype, threads)
        used = subprocess.run([sys.executable, "-c", ARCHITECTURE], env=env, capture_output=True,
                              text=True, check=True).stdout
        if not REPORTED.get(coretype, {coretype}) & set(json.loads(used)):
            results.append((config, "FAILED", f"OpenBLAS did not use {coretype}: {used.strip()}"))
            continue
        print(f"\n=== notebooks with OPENBLAS_CORETYPE={coretype}, BLAS threads {threads} ===",
              flush=True)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", "notebooks", "-q", "--no-header"],
                             cwd=ROOT, env=env)
        seconds = time.perf_counter() - start
        results.append((config, "passed" if run.returncode == 0 else "FAILED", f"{seconds:.0f} s"))
    print("\nnotebook tests under other BLAS kernels and thread counts:")
    for config, verdict, detail in results:
        print(f"  {config:<22} {verdict:<8} {detail}")
    return 1 if any(verdict == "FAILED" for _, verdict, _ in results) else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
