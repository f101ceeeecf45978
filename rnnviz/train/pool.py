"""Training runs in a bounded pool of worker processes, so training never holds the server's GIL.

Why processes: a Streamlit server runs every session's script on threads of one Python
process. Training these small models is mostly Python and tiny torch calls, so a run
trained on a script thread holds the GIL most of the time and every other student on
that server waits behind it. Here each run trains in a worker process
(``python -m rnnviz.train.pool``, one torch thread); the server only sends commands and
reads the snapshots the workers publish, which costs it microseconds.

Bounded: at most ``workers`` processes, each training at most ``runs_per_worker`` runs at
once (round robin, a slice of ~0.1 s each); further runs wait in a FIFO queue and
``view()`` gives their position. Every run stops by itself: at ``max_steps``, when its loss
turns non-finite, or when nobody has looked at it for ``stale`` seconds (the page reads
its run's view every redraw; a closed tab stops reading). A stopped run's state (the
pickled ``Trainer``) is sent back to the server and the worker forgets it, so a worker
holds only runs that are training; ``resume()`` sends the state to a worker again.
Stopped runs are forgotten after ``ttl`` seconds without a look, and the oldest beyond
``max_records``. Workers exit when the server process exits, however it exits: on EOF
of their command pipe (read between slices, and every second when idle).

    pool = trainpool.shared()
    rid = pool.submit(TrainConfig(...), max_steps=1500)
    view = pool.view(rid)          # RunView: status, steps, losses, measurements
    pool.stop(rid); pool.resume(rid); pool.forget(rid)

This module imports neither streamlit nor (in the server) torch; the worker imports
``rnnviz.train``.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import itertools
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

SLICE_SECONDS = 0.1  # training per turn of one run in a worker (at least one step)
PUBLISH_EVERY = 0.25  # seconds between snapshots of a training run
MEASURE_SHARE = 0.2  # at most this share of a run's time goes to held-out measurements
EVAL_SIZE = 512  # held-out sequences per measurement
STALE = 15.0  # a run nobody has viewed for this long is stopped
TTL = 1800.0  # a stopped run nobody has viewed for this long is forgotten
MAX_RECORDS = 128  # runs remembered at most (stopped ones beyond are forgotten, oldest first)
STOP_WAIT = 5.0  # stop() waits at most this long for the worker's final snapshot

# run status
QUEUED, RUNNING, STOPPED, DONE, DIVERGED, FAILED, GONE = (
    "queued", "running", "stopped", "done", "diverged", "failed", "gone")
ACTIVE = (QUEUED, RUNNING)


def default_workers() -> int:
    """One core for the server itself, the others for training (at least one worker)."""
    env = os.environ.get("RNNVIZ_TRAIN_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def default_runs_per_worker() -> int:
    return max(1, int(os.environ.get("RNNVIZ_TRAIN_RUNS_PER_WORKER", "2")))


@dataclass(frozen=True)
class RunView:
    """What a page shows of one run, read at one moment (never half-updated)."""

    status: str  # queued | running | stopped | done | diverged | failed | gone
    queue_position: int  # 1 = next to start; 0 when not queued
    steps: int
    losses: tuple  # one batch loss per step, len == steps
    last_grad_norm: float | None  # global ‖∇θL‖ of the last step (before clipping)
    seconds: float  # training time so far
    measured_step: int  # the step at which held_out and grad_norms were measured; -1: never
    held_out: float | None
    grad_norms: tuple | None  # ‖∂L/∂h_t‖, t = 1 … T
    error: str = ""
    exit_code: int | None = None  # FAILED because the worker process died: its exit code

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass
class _Record:
    config: object  # train.TrainConfig (pickled to the worker as is)
    max_steps: int
    status: str = STOPPED
    state: bytes | None = None  # pickled Trainer while no worker holds the run
    worker: "_Worker | None" = None
    last_seen: float = field(default_factory=time.monotonic)
    steps: int = 0
    losses: list = field(default_factory=list)
    last_grad_norm: float | None = None
    seconds: float = 0.0
    measured_step: int = -1
    held_out: float | None = None
    grad_norms: tuple | None = None
    error: str = ""
    exit_code: int | None = None


class _Worker:
    """One worker process, its command pipe (with a sender thread, so the server never
    blocks on a full pipe) and a reader thread that applies its snapshots."""

    def __init__(self, pool: "Pool", index: int):
        self.pool, self.index = pool, index
        cmd_r, cmd_w = os.pipe()  # server → worker
        out_r, out_w = os.pipe()  # worker → server
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                              os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rnnviz.train.pool", str(cmd_r), str(out_w), str(os.getpid())],
            pass_fds=(cmd_r, out_w), stdin=subprocess.DEVNULL, env=env, close_fds=True,
        )
        os.close(cmd_r)
        os.close(out_w)
        self.commands = Connection(cmd_w, readable=False)
        self.results = Connection(out_r, writable=False)
        self.runs: set[int] = set()  # run ids this worker trains
        self.alive = True
        self.outbox: queue.Queue = queue.Queue()
        threading.Thread(target=self._send_loop, name=f"trainpool-send-{index}", daemon=True).start()
        threading.Thread(target=self._read_loop, name=f"trainpool-read-{index}", daemon=True).start()

    def send(self, msg) -> None:
        self.outbox.put(msg)

    def _send_loop(self) -> None:
        while True:
            msg = self.outbox.get()
            if msg is None:
                break
            try:
                self.commands.send(msg)
            except OSError:
                break
        with contextlib.suppress(OSError):
            self.commands.close()

    def _read_loop(self) -> None:
        while True:
            try:
                msg = self.results.recv()
            except (EOFError, OSError):
                break
            self.pool._apply(self, msg)
        self.pool._worker_died(self)

    def close(self, timeout: float = 5.0) -> None:
        self.send(None)  # the sender closes the pipe: the worker sees EOF and exits
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)


class Pool:
    """A bounded pool of training worker processes; thread-safe (one per server process)."""

    def __init__(self, workers: int | None = None, runs_per_worker: int | None = None, *,
                 stale: float = STALE, ttl: float = TTL, max_records: int = MAX_RECORDS):
        self.n_workers = workers or default_workers()
        self.runs_per_worker = runs_per_worker or default_runs_per_worker()
        self.stale, self.ttl, self.max_records = stale, ttl, max_records
        self._cond = threading.Condition()
        self._records: dict[int, _Record] = {}
        self._queue: collections.deque[int] = collections.deque()
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)
        self._closed = False
        self._janitor = threading.Thread(target=self._janitor_loop, name="trainpool-janitor",
                                         daemon=True)
        self._janitor.start()

    # ------------------------------------------------------------------ public API
    def submit(self, config, max_steps: int) -> int:
        """A new run of `config` (a train.TrainConfig), queued to train up to max_steps."""
        with self._cond:
            rid = next(self._ids)
            self._records[rid] = _Record(config=config, max_steps=int(max_steps))
            self._enqueue(rid)
            self._trim()
            return rid

    def resume(self, rid: int) -> None:
        """Queue a stopped run again (from where it stopped). No-op otherwise."""
        with self._cond:
            rec = self._records.get(rid)
            if rec is not None and rec.status == STOPPED and rec.steps < rec.max_steps:
                rec.last_seen = time.monotonic()
                self._enqueue(rid)

    def stop(self, rid: int, wait: float = STOP_WAIT) -> None:
        """Stop a run; waits (≤ wait s) until the worker has sent its last snapshot, so the
        view read next shows every step trained and no step is added later."""
        with self._cond:
            self._stop(rid)
            self._cond.wait_for(lambda: self._status(rid) not in ACTIVE, timeout=wait)

    def forget(self, rid: int) -> None:
        """Stop the run if it trains and drop everything kept about it."""
        with self._cond:
            rec = self._records.pop(rid, None)
            if rec is None:
                return
            with contextlib.suppress(ValueError):
                self._queue.remove(rid)
            if rec.worker is not None:
                rec.worker.send(("drop", rid))
                rec.worker.runs.discard(rid)
                rec.worker = None
            self._dispatch()

    def view(self, rid: int, touch: bool = True) -> RunView:
        """The run as it is now; reading it counts as someone watching (see `stale`)."""
        with self._cond:
            rec = self._records.get(rid)
            if rec is None:
                return RunView(GONE, 0, 0, (), None, 0.0, -1, None, None)
            if touch:
                rec.last_seen = time.monotonic()
            pos = self._queue.index(rid) + 1 if rec.status == QUEUED else 0
            return RunView(rec.status, pos, rec.steps, tuple(rec.losses), rec.last_grad_norm,
                           rec.seconds, rec.measured_step, rec.held_out, rec.grad_norms, rec.error,
                           rec.exit_code)

    def counts(self) -> dict[str, int]:
        """{status: number of runs}, and "workers": live worker processes."""
        with self._cond:
            out = collections.Counter(r.status for r in self._records.values())
            out["workers"] = sum(w.alive for w in self._workers)
            return dict(out)

    def worker_pids(self) -> list[int]:
        with self._cond:
            return [w.proc.pid for w in self._workers if w.alive]

    def close(self) -> None:
        """Stop every worker process (their runs are lost). Idempotent."""
        with self._cond:
            self._closed = True
            workers, self._workers = self._workers, []
            self._cond.notify_all()
        for w in workers:
            w.close()

    # ------------------------------------------------------------------ internals (lock held)
    def _status(self, rid: int) -> str:
        rec = self._records.get(rid)
        return GONE if rec is None else rec.status

    def _enqueue(self, rid: int) -> None:
        rec = self._records[rid]
        rec.status, rec.error, rec.exit_code = QUEUED, "", None
        self._queue.append(rid)
        self._dispatch()

    def _stop(self, rid: int) -> None:
        rec = self._records.get(rid)
        if rec is None:
            return
        if rec.status == QUEUED:
            self._queue.remove(rid)
            rec.status = STOPPED
            self._cond.notify_all()
        elif rec.status == RUNNING and rec.worker is not None:
            rec.worker.send(("stop", rid))  # the worker answers with an "end" message

    def _dispatch(self) -> None:
        """Start queued runs while a worker has room (starting workers as needed)."""
        while self._queue and not self._closed:
            live = [w for w in self._workers if w.alive]
            room = [w for w in live if len(w.runs) < self.runs_per_worker]
            if not room and len(live) < self.n_workers:
                w = _Worker(self, len(self._workers))
                self._workers.append(w)
                room = [w]
            if not room:
                return
            w = min(room, key=lambda w: len(w.runs))
            rid = self._queue.popleft()
            rec = self._records[rid]
            payload = rec.state if rec.state is not None else rec.config
            w.send(("start", rid, payload, rec.max_steps))
            w.runs.add(rid)
            rec.worker, rec.status, rec.state = w, RUNNING, None

    def _apply(self, worker: _Worker, msg) -> None:
        """A message from a worker: ("snap", rid, data) or ("end", rid, data, status, state)."""
        kind, rid, data = msg[0], msg[1], msg[2]
        with self._cond:
            rec = self._records.get(rid)
            if rec is None or rec.worker is not worker:
                return  # forgotten meanwhile
            if data:
                start = data["from_step"]
                del rec.losses[start:]
                rec.losses.extend(data["losses"])
                rec.steps = len(rec.losses)
                for k in ("last_grad_norm", "seconds", "measured_step", "held_out", "grad_norms"):
                    if k in data:
                        setattr(rec, k, data[k])
            if kind == "end":
                status, state, error = msg[3], msg[4], msg[5]
                rec.status, rec.state, rec.error = status, state, error
                rec.worker = None
                worker.runs.discard(rid)
                self._dispatch()
            self._cond.notify_all()

    def _worker_died(self, worker: _Worker) -> None:
        try:  # its pipe closed: the process is ending; its exit code, once it has (reader thread)
            code = worker.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            code = None
        with self._cond:
            worker.alive = False
            for rid in list(worker.runs):
                rec = self._records.get(rid)
                if rec is not None and rec.worker is worker:
                    rec.status, rec.worker = FAILED, None
                    rec.exit_code = code
                    rec.error = f"the training process ended (exit code {rec.exit_code})"
            worker.runs.clear()
            if worker in self._workers:
                self._workers.remove(worker)
            self._cond.notify_all()
            self._dispatch()

    def _trim(self) -> None:
        """Forget stopped runs unseen for ttl, and the oldest beyond max_records."""
        now = time.monotonic()
        idle = sorted((r.last_seen, rid) for rid, r in self._records.items()
                      if r.status not in ACTIVE)
        excess = len(self._records) - self.max_records
        for i, (seen, rid) in enumerate(idle):
            if i < excess or now - seen > self.ttl:
                del self._records[rid]

    def _janitor_loop(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                for rid, rec in list(self._records.items()):
                    if rec.status in ACTIVE and now - rec.last_seen > self.stale:
                        self._stop(rid)  # nobody watches: the tab was closed or left
                self._trim()
                self._cond.wait(timeout=min(1.0, self.stale / 4))


_shared: Pool | None = None
_shared_lock = threading.Lock()


def shared() -> Pool:
    """The server process's pool (created on first use; closed at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Pool()
            atexit.register(_shared.close)
        return _shared


# ====================================================================== worker process
class _Job:
    def __init__(self, trainer, max_steps: int):
        self.trainer, self.max_steps = trainer, max_steps
        self.sent = trainer.steps  # losses before this index are already on the server
        self.published = 0.0  # time.monotonic() of the last snapshot
        self.measured_at = 0.0
        self.measure_cost = 0.0
        self.measured_step = -1

    def ended(self) -> str | None:
        tr = self.trainer
        if tr.diverged:
            return DIVERGED
        if tr.steps >= self.max_steps:
            return DONE
        return None

    def snapshot(self, measure: bool) -> dict:
        tr = self.trainer
        data = {"from_step": self.sent, "losses": tr.losses[self.sent:],
                "last_grad_norm": tr.grad_norm_history[-1] if tr.grad_norm_history else None,
                "seconds": tr.seconds}
        self.sent = tr.steps
        if measure and self.measured_step != tr.steps:
            t0 = time.perf_counter()
            data["held_out"] = tr.evaluate(EVAL_SIZE)
            data["grad_norms"] = tuple(float(x) for x in tr.grad_norms())
            data["measured_step"] = self.measured_step = tr.steps
            self.measure_cost = time.perf_counter() - t0
            self.measured_at = time.monotonic()
        self.published = time.monotonic()
        return data

    def measure_due(self) -> bool:
        # keep measurements to MEASURE_SHARE of the run's time
        wait = max(PUBLISH_EVERY, self.measure_cost * (1 - MEASURE_SHARE) / MEASURE_SHARE)
        return time.monotonic() - self.measured_at >= wait


def _worker_main(cmd_fd: int, out_fd: int, parent_pid: int) -> None:
    """Train the runs the server sends, round robin; exit when the server goes.

    The server's end of the command pipe closes when its process exits, however it exits
    (even SIGKILL), and the worker reads that pipe at least once a slice: EOFError ends it.
    (Not PR_SET_PDEATHSIG: it fires when the *thread* that started the worker ends, and
    Streamlit starts it from a short-lived script thread.)
    """
    if os.getppid() != parent_pid:
        return
    import torch

    from rnnviz import train

    torch.set_num_threads(1)
    commands = Connection(cmd_fd, writable=False)
    results = Connection(out_fd, readable=False)
    jobs: dict[int, _Job] = {}
    turn: collections.deque[int] = collections.deque()

    def end(rid: int, status: str, error: str = "") -> None:
        job = jobs.pop(rid)
        turn.remove(rid)
        data = job.snapshot(measure=status != FAILED)
        state = pickle.dumps(job.trainer) if status == STOPPED else None
        results.send(("end", rid, data, status, state, error))

    while True:
        # commands first; block when there is nothing to train
        timeout = 0.0 if jobs else 1.0
        while commands.poll(timeout):
            msg = commands.recv()  # EOFError when the server closes the pipe or dies
            kind, rid = msg[0], msg[1]
            if kind == "start":
                payload, max_steps = msg[2], msg[3]
                try:
                    tr = payload if isinstance(payload, train.TrainConfig) else None
                    trainer = train.Trainer(tr) if tr is not None else pickle.loads(payload)
                except Exception as e:  # noqa: BLE001 — reported to the page, not raised
                    results.send(("end", rid, None, FAILED, None, f"{type(e).__name__}: {e}"))
                    continue
                jobs[rid] = _Job(trainer, max_steps)
                turn.append(rid)
            elif kind == "stop" and rid in jobs:
                end(rid, STOPPED)
            elif kind == "drop" and rid in jobs:
                del jobs[rid]
                turn.remove(rid)
            timeout = 0.0
        if not jobs:
            if os.getppid() != parent_pid:
                return
            continue
        rid = turn[0]
        turn.rotate(-1)
        job = jobs[rid]
        try:
            job.trainer.run_for(SLICE_SECONDS, job.max_steps - job.trainer.steps)
        except Exception as e:  # noqa: BLE001
            end(rid, FAILED, f"{type(e).__name__}: {e}")
            continue
        status = job.ended()
        if status is not None:
            end(rid, status)
        elif time.monotonic() - job.published >= PUBLISH_EVERY:
            results.send(("snap", rid, job.snapshot(measure=job.measure_due())))


def run_worker() -> None:
    """The worker process's entry point (`python -m rnnviz.trainpool CMD_FD OUT_FD PARENT_PID`)."""
    try:
        _worker_main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass
    os._exit(0)  # nothing to flush; skips torch's slow interpreter teardown (seconds)


if __name__ == "__main__":
    run_worker()
