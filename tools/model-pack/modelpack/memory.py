"""Peak memory of the export, split into anonymous memory and pages of memory-mapped files.

The checkpoint is read through a memory map, so the resident size grows by every page read; those
pages are clean copies of the file that the kernel drops under pressure. What an export really needs is
the anonymous part, which Linux does not track a peak of: a thread samples it.
"""

from __future__ import annotations

import threading
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_kib(*keys: str) -> dict[str, int]:
    values = {}
    for line in _STATUS.read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in keys:
            values[key] = int(rest.split()[0])
    return values


class MemoryMonitor:
    def __init__(self, interval: float = 0.2):
        self.available = _STATUS.exists()
        self.peak_anon_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> "MemoryMonitor":
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.sample()

    def sample(self) -> None:
        self.peak_anon_kib = max(self.peak_anon_kib, _status_kib("RssAnon").get("RssAnon", 0))

    def summary(self) -> str:
        if not self.available:
            return "memory figures need Linux /proc"
        self.sample()
        hwm = _status_kib("VmHWM")["VmHWM"]
        return f"peak memory {self.peak_anon_kib / 2**20:.2f} GiB anonymous, {hwm / 2**20:.2f} GiB resident with mapped files"
