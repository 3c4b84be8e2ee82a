"""Leiden and the k-cores of one undirected weighted graph, in a second Python process.

igraph holds the GIL for all of ``community_leiden``, so on a large graph nothing else in
the process can run for those seconds. :class:`LeidenProcess` writes the edge pairs to a
private temporary folder, starts a Python that runs this module's :func:`main` on the folder
(loading only numpy, igraph and the few modules it needs) and returns at once;
:meth:`LeidenProcess.result` waits for the child and reads its answer.
The child builds the graph with :func:`netinfluence.network.igraph_from_arrays` as soon as
it starts, waits for the weights, and runs :func:`netinfluence.metrics._leiden.leiden_membership`:
the same code, edge order, weights and seed as in-process, so the same partition.

A fresh interpreter (not ``fork``) keeps the child free of the parent's threads and locks,
works on every platform and never re-imports the user's ``__main__`` script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

import numpy as np

from netinfluence.errors import ComputationError
from netinfluence.metrics._leiden import leiden_membership
from netinfluence.network._graph import igraph_from_arrays

__all__ = ["LeidenProcess"]


def _peak_rss_mib() -> float | None:
    """This process's peak resident memory (Linux ``VmHWM``; else ``getrusage``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


#: the start of the child's interpreter: stand-ins for our three packages (each only its
#: folder), so that the child loads the leaf modules it runs (``errors``, ``metrics._leiden``,
#: ``network._graph`` and this one) and not the packages' pandas and scipy; and no matplotlib,
#: which igraph otherwise imports for its drawing code. About a sixth of the start-up time and
#: 110 MiB less memory, on the critical path of ``rank`` at 10^6 edges.
_STAND_INS = """
import sys, types
sys.modules["matplotlib"] = None
folder, root, metrics, network = sys.argv[1:5]
for name, path in (("netinfluence", root), ("netinfluence.metrics", metrics),
                   ("netinfluence.network", network)):
    stand_in = types.ModuleType(name)
    stand_in.__path__ = [path]
    sys.modules[name] = stand_in
"""
_BOOT = (
    _STAND_INS
    + """
from netinfluence.metrics._leiden_process import main
sys.exit(main([folder]))
"""
)


def _package_folders() -> list[str]:
    """The folders of ``netinfluence``, ``netinfluence.metrics`` and ``netinfluence.network``."""
    here = Path(__file__).resolve().parent  # netinfluence/metrics
    return [str(here.parent), str(here), str(here.parent / "network")]


def _stop(proc: subprocess.Popen, log, folder: str) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    log.close()
    shutil.rmtree(folder, ignore_errors=True)


class LeidenProcess:
    """Weighted Leiden (modularity, resolution ``gamma``) and coreness of the undirected
    graph on ``n`` vertices with edges ``lo[i] - hi[i]``, in a child process started by the
    constructor; the weights and the iteration count follow with :meth:`send_weights`.

    The child builds the graph from the pairs as soon as it starts (about 5 s at 8x10^6
    pairs), so a caller that knows the pairs before their weights overlaps that build with
    its own work.

    Examples
    --------
    >>> import numpy as np
    >>> job = LeidenProcess(4, np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), gamma=1.0,
    ...                     seed_int=0)
    >>> job.send_weights(np.ones(4), n_iterations=-1)
    >>> membership, cores = job.result()
    >>> len(membership), cores.tolist()
    (4, [2.0, 2.0, 2.0, 1.0])
    """

    def __init__(self, n: int, lo, hi, *, gamma: float, seed_int: int) -> None:
        self.peak_mib: float | None = None
        #: the child's wall seconds per phase (after :meth:`result`): ``graph``, ``coreness``,
        #: ``waiting_for_weights``, ``leiden``
        self.seconds: dict[str, float] = {}
        self._n_pairs = len(lo)
        self._folder = tempfile.mkdtemp(prefix="netinfluence-leiden-")
        folder = Path(self._folder)
        log = None
        try:
            # the pairs as plain .npy files, 32-bit where the positions fit: a zip archive
            # (np.savez) checksums every byte on both sides, 0.3 s at 10^7 pairs before the
            # child can start
            small = np.int32 if n < 2**31 else np.int64
            np.save(folder / "lo.npy", np.asarray(lo, dtype=small))
            np.save(folder / "hi.npy", np.asarray(hi, dtype=small))
            np.savez(
                folder / "input.npz",
                params=np.array([n, seed_int, os.getpid()], dtype=np.int64),
                gamma=np.array([gamma], dtype=float),
            )
            log = open(folder / "stderr.txt", "wb")  # closed by _stop
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(folder), *_package_folders()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        except BaseException:
            if log is not None:
                log.close()
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        # result() and cancel() clean up; so does garbage collection of an abandoned job,
        # so a pipeline that fails before result() leaves no child and no files behind
        self._cleanup = weakref.finalize(self, _stop, self._proc, log, self._folder)

    def send_weights(self, w, *, n_iterations: int) -> None:
        """The edge weights (in the order of the constructor's pairs) and Leiden's number of
        iterations (negative: until stable); the child starts Leiden when it has them."""
        w = np.asarray(w, dtype=float)
        if len(w) != self._n_pairs:
            raise ValueError(f"{len(w)} weights for {self._n_pairs} pairs")
        folder = Path(self._folder)
        tmp = folder / "weights.tmp.npz"
        np.savez(tmp, w=w, n_iterations=np.array([n_iterations], dtype=np.int64))
        tmp.replace(folder / _WEIGHTS)  # the child sees the whole file or none

    def running(self) -> bool:
        """Whether the child is still working (non-blocking)."""
        return self._proc.poll() is None

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """Wait for the child: ``(membership, coreness)``; ComputationError if it failed."""
        try:
            if not (Path(self._folder) / _WEIGHTS).is_file():
                raise ComputationError("the Leiden process never received its weights")
            code = self._proc.wait()
            folder = Path(self._folder)
            if code != 0 or not (folder / "output.npz").is_file():
                lines = (folder / "stderr.txt").read_text(errors="replace").strip()
                reason = lines.splitlines()[-1] if lines else "no error message"
                raise ComputationError(f"the Leiden process exited with code {code}: {reason}")
            with np.load(folder / "output.npz") as out:
                membership, cores = out["membership"], out["coreness"]
                peak = float(out["peak_mib"][0])
                phases = out["seconds"]
            self.peak_mib = peak if peak >= 0 else None
            self.seconds = {k: round(float(v), 3) for k, v in zip(_PHASES, phases, strict=True)}
            return membership, cores
        finally:
            self._cleanup()

    def cancel(self) -> None:
        """Kill the child and remove its files."""
        self._cleanup()


_WEIGHTS = "weights.npz"
#: the child's phases, in the order of its ``seconds`` output
_PHASES = ("graph", "coreness", "waiting_for_weights", "leiden")


def _wait_for_weights(folder: Path, parent: int) -> tuple[np.ndarray, int] | None:
    """``(weights, n_iterations)`` once the parent has written them; None if the parent or
    the folder is gone (the child must never outlive an abandoned job)."""
    path = folder / _WEIGHTS
    while not path.is_file():
        if not folder.is_dir() or os.getppid() != parent:
            return None
        time.sleep(0.005)
    with np.load(path) as data:
        return data["w"], int(data["n_iterations"][0])


def _solve(folder: Path) -> int:
    clock = [time.perf_counter()]

    def lap() -> None:
        clock.append(time.perf_counter())

    lo, hi = np.load(folder / "lo.npy"), np.load(folder / "hi.npy")
    with np.load(folder / "input.npz") as data:
        n, seed_int, parent = (int(v) for v in data["params"])
        gamma = float(data["gamma"][0])
    # no weight attribute (a Python float per edge): Leiden takes the weights as a vector
    graph = igraph_from_arrays(n, lo, hi, None, directed=False)
    del lo, hi
    lap()
    # the k-cores need no weights: computed while the parent is still on the tie strengths,
    # so they are off the path from the weights to the result
    cores = np.asarray(graph.coreness(), dtype=float)
    lap()
    sent = _wait_for_weights(folder, parent)
    if sent is None:
        return 3
    lap()
    w, n_iterations = sent
    membership = leiden_membership(graph, w, gamma, seed_int, n_iterations)
    del w
    lap()
    peak = _peak_rss_mib()
    tmp = folder / "output.tmp.npz"
    np.savez(
        tmp,
        membership=membership,
        coreness=cores,
        peak_mib=np.array([-1.0 if peak is None else peak]),
        seconds=np.diff(clock),
    )
    tmp.replace(folder / "output.npz")  # complete or absent, never half written
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m netinfluence.metrics._leiden_process FOLDER", file=sys.stderr)
        return 2
    return _solve(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
