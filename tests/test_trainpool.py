"""The training pool (rnnviz/train/pool.py): runs train in worker processes, bounded, and stop.

Each test uses its own small Pool (one worker) and closes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from rnnviz import train
from rnnviz.train import pool as trainpool

torch.set_num_threads(1)  # as the workers: several intra-op threads crawl on a busy 2-core box

ROOT = Path(__file__).resolve().parents[1]
WAIT = 60.0  # a worker imports torch first: seconds on a busy machine
SMALL = train.TrainConfig(task="adding", cell="lstm", seq_len=10, hidden=8, lr=1e-2, batch=16)


@pytest.fixture
def pool():
    p = trainpool.Pool(workers=1, runs_per_worker=2, stale=600)  # tests look at one run at a time
    yield p
    pids = p.worker_pids()
    p.close()
    for pid in pids:
        assert not alive(pid), f"worker {pid} still running after close()"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def wait_for(pool, rid, done, timeout=WAIT) -> trainpool.RunView:
    deadline = time.monotonic() + timeout
    while True:
        v = pool.view(rid)
        if done(v):
            return v
        assert time.monotonic() < deadline, v
        time.sleep(0.05)


def test_a_run_trains_stops_resumes_and_equals_the_plain_trainer(pool):
    rid = pool.submit(SMALL, max_steps=400)
    v = wait_for(pool, rid, lambda v: v.steps >= 20)
    assert v.status == trainpool.RUNNING and len(v.losses) == v.steps
    pool.stop(rid)
    stopped = pool.view(rid)
    assert stopped.status == trainpool.STOPPED
    assert stopped.measured_step == stopped.steps and stopped.held_out is not None
    assert len(stopped.grad_norms) == SMALL.seq_len
    time.sleep(0.5)
    assert pool.view(rid).steps == stopped.steps  # nothing trains after stop() returns
    pool.resume(rid)
    done = wait_for(pool, rid, lambda v: not v.active)
    assert done.status == trainpool.DONE and done.steps == 400
    # stopping, shipping the trainer back and forth and resuming changes nothing:
    # the same losses, step for step, as one Trainer trained straight through
    plain = train.Trainer(SMALL)
    assert done.losses == tuple(plain.run(400))
    assert done.held_out == pytest.approx(plain.evaluate(trainpool.EVAL_SIZE), rel=1e-12)


def test_runs_beyond_the_pool_wait_in_a_visible_queue(pool):
    rids = [pool.submit(SMALL, max_steps=3000) for _ in range(4)]
    views = [pool.view(r) for r in rids]
    assert [v.status for v in views] == ["running", "running", "queued", "queued"]
    assert [v.queue_position for v in views] == [0, 0, 1, 2]
    wait_for(pool, rids[0], lambda v: v.steps > 0)
    pool.forget(rids[0])  # a slot frees: the first in the queue starts, the next moves up
    assert pool.view(rids[0]).status == trainpool.GONE
    assert pool.view(rids[2]).status == "running"
    assert pool.view(rids[3]).queue_position == 1
    pool.stop(rids[3])  # a queued run can be stopped too (it never trained)
    assert pool.view(rids[3]).status == trainpool.STOPPED
    assert pool.counts() == {"running": 2, "stopped": 1, "workers": 1}


def test_a_run_nobody_watches_is_stopped():
    p = trainpool.Pool(workers=1, runs_per_worker=1, stale=1.0)
    try:
        rid = p.submit(SMALL, max_steps=3000)
        watched = p.submit(SMALL, max_steps=3000)  # queued, and looked at: stays queued
        deadline = time.monotonic() + WAIT
        while p.view(rid, touch=False).status != trainpool.STOPPED:
            p.view(watched)
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert p.view(rid).steps >= 0
        # its slot went to the run someone watches
        assert wait_for(p, watched, lambda v: v.status == trainpool.RUNNING)
    finally:
        p.close()


def test_stopped_runs_are_forgotten_beyond_the_bound():
    p = trainpool.Pool(workers=1, runs_per_worker=1, max_records=3)
    try:
        rids = [p.submit(SMALL, max_steps=3000)]
        wait_for(p, rids[0], lambda v: v.steps > 0)  # the worker is up: stop() is quick
        p.stop(rids[0])
        for _ in range(4):
            rids.append(p.submit(SMALL, max_steps=3000))
            p.stop(rids[-1])
            assert p.view(rids[-1], touch=False).status == trainpool.STOPPED
        assert [p.view(r, touch=False).status for r in rids] == ["gone"] * 2 + ["stopped"] * 3
    finally:
        p.close()


def test_a_failing_run_is_reported_not_raised(pool):
    bad = train.TrainConfig(seq_len=10, hidden=8)
    object.__setattr__(bad, "cell", "nope")  # past validate(): the worker refuses it
    rid = pool.submit(bad, max_steps=10)
    v = wait_for(pool, rid, lambda v: not v.active)
    assert v.status == trainpool.FAILED and "nope" in v.error
    ok = pool.submit(SMALL, max_steps=30)  # the worker carries on
    assert wait_for(pool, ok, lambda v: not v.active).status == trainpool.DONE


def test_workers_exit_when_the_server_is_killed():
    """SIGKILL of the server process (no atexit, no close()) still ends its workers."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from rnnviz import train
        from rnnviz.train import pool as trainpool
        p = trainpool.Pool(workers=1, runs_per_worker=1)
        rid = p.submit(train.TrainConfig(seq_len=10, hidden=8), max_steps=3000)
        while p.view(rid).steps == 0:
            time.sleep(0.05)
        print(p.worker_pids()[0], flush=True)
        time.sleep(600)
    """)
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(server.stdout.readline())
        assert alive(worker)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    deadline = time.monotonic() + 10
    while alive(worker):
        assert time.monotonic() < deadline, f"worker {worker} outlived its server"
        time.sleep(0.1)
