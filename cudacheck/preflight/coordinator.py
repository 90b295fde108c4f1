"""One rank's part in the preflight. The rank process only coordinates; every risky call
runs in a child with a deadline (torchrun kills the whole gang when one worker dies).

1. **Check**: a child probes this machine and judges it (started first, it runs while
   torch is imported); the rank posts the report to the store, or why there is none.
2. **Gather** (rank 0): wait for every rank's report until the deadline; a rank with
   no report is named, as "never started" or "started but never posted".
3. **Barrier**: only when every rank reported (a missing rank would block group
   creation): a gloo group and ``monitored_barrier(wait_all_ranks=True)`` name ranks
   that joined but hang.
4. **Collectives**: each rank's child (forked at the start, once torch was imported)
   runs all_reduce and all_gather and marks its progress in the store; the rank kills
   it at the deadline. Rank 0 names the rank that got least far.
5. **Verdict**: rank 0 prints the report, writes ``--output`` and torchrun's error
   file, and publishes the exit status every rank then exits with.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import timedelta
from typing import Any, Dict, List, Optional

from .. import __version__
from ..errors import exception_text
from ..output import note, say
from .faults import child_env, faults_for, hang
from .launch import Launch, check_visible_devices
from .options import GLOO_SIZES, NCCL_SIZES, Options
from .report import (EXIT_ENVIRONMENT, EXIT_FAILED, BarrierResult, CollectiveResult, PreflightReport, RankResult,
                     problem)
from .store import RunStore, key_prefix, open_store

CHECK_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_child.py")
MARGIN = 5.0
"""Extra seconds a rank waits for rank 0's word beyond the phase's own deadline."""


class Rank:
    """This process's run of the preflight."""

    def __init__(self, options: Options, launch: Launch, policy: Dict[str, Any]) -> None:
        self.options = options
        self.launch = launch
        self.policy = policy
        self.started = time.monotonic()
        self.faults = faults_for(launch.rank)
        self.store: Optional[RunStore] = None
        self.check_pid: Optional[int] = None
        self.collective_pid: Optional[int] = None
        self.timings: Dict[str, float] = {}

    # --- the whole run -------------------------------------------------------------------
    def run(self) -> int:
        """Every phase; returns the exit status this rank should end with."""
        if "never-start" in self.faults:
            hang()
        check = self._start_check()
        try:
            import torch.distributed  # noqa: F401  (the store client; no CUDA is touched)
        except Exception as exc:  # a broken torch is a finding, not a crash
            return self._alone(f"cannot import torch.distributed: {type(exc).__name__}: {exc}", EXIT_ENVIRONMENT)
        self.timings["import_torch"] = self._since()
        if self.options.collectives:
            self._fork_collective()
        try:
            self.store = RunStore(open_store(self.launch, self.options.gather_timeout), key_prefix(self.launch))
        except Exception as exc:
            return self._alone(f"cannot reach the job's store at {self.launch.master_addr}:{self.launch.master_port}: "
                               f"{type(exc).__name__}: {exc}", EXIT_FAILED)
        rank = self.launch.rank
        self.store.set(f"alive/{rank}", self._identity())
        self._mark("alive")
        if "never-post" in self.faults:
            hang()
        envelope = self._own_report(check)
        self.store.set(f"report/{rank}", envelope)
        self.store.add("reported")
        self.timings["posted"] = self._since()
        return self._lead() if rank == 0 else self._follow()

    # --- phase 1: this rank's own check --------------------------------------------------
    def _start_check(self):
        from ..probes.isolation import Child

        env = child_env(self.launch.rank)
        visible = check_visible_devices(self.launch)  # one rank per GPU: each checks the GPU it will use
        if visible is not None:
            env["CUDA_VISIBLE_DEVICES"] = visible
        config = {"rank": self.launch.rank, "level": self.options.level, "policy": self.policy,
                  "timeout": max(1.0, self.options.check_timeout - 1.0), "env": env}
        child = Child(CHECK_CHILD, [json.dumps(config)])
        self.check_pid = child.pid
        return child

    def _own_report(self, check) -> Dict[str, Any]:
        result = check.result(self.started + self.options.check_timeout)
        self.check_pid = None
        envelope = self._identity()
        envelope["check"] = {"status": result.status, "message": result.message, "seconds": round(result.seconds, 3)}
        envelope["report"] = result.data if result.status == "ok" else None
        self.timings["check"] = round(result.seconds, 3)
        return envelope

    def _identity(self) -> Dict[str, Any]:
        launch = self.launch
        return {"rank": launch.rank, "local_rank": launch.local_rank, "node_rank": launch.node_rank,
                "host": launch.host, "pid": os.getpid()}

    # --- rank 0 ------------------------------------------------------------------------------
    def _lead(self) -> int:
        from .verdict import choose_backend, finish, rank_result

        options, launch, store = self.options, self.launch, self.store
        assert store is not None
        world = launch.world_size
        deadline = self.started + options.gather_timeout
        keys = [f"report/{r}" for r in range(world)]
        posted = store.gather(keys, "reported", world, deadline)
        self.timings["gathered"] = self._since()
        report = PreflightReport(launcher=self._launcher(), world_size=world, cudacheck_version=__version__)
        snapshots = []
        for r in range(world):
            envelope = posted.get(f"report/{r}")
            alive = None if envelope is not None else store.get(f"alive/{r}")
            result, snapshot = rank_result(r, envelope, alive, not options.allow_cpu, options.strict)
            report.ranks.append(result)
            snapshots.append(snapshot)
        report.drift = _drift(report.ranks, snapshots)
        if options.expect_world_size and world < options.expect_world_size:
            report.problems.append(problem("CC950", "error", [], f"the launcher started {world} ranks, "
                                           f"{options.expect_world_size} were expected",
                                           "A node never joined the job (its agent failed the rendezvous or was "
                                           "never scheduled): ask the scheduler which one."))
        everyone = all(r.status not in ("missing", "not_started") for r in report.ranks)
        store.set("gather", {"proceed": everyone})
        if everyone:
            report.barrier = self._barrier()
        else:
            report.barrier = BarrierResult(message="skipped: not every rank reported")
        environment = any(r.status == "environment" for r in report.ranks)
        backend, stand_in, note = choose_backend(options.backend, snapshots, options.allow_cpu)
        run_collectives = options.collectives and bool(report.barrier.ok) and not environment
        go_time = time.monotonic()
        sizes = self._sizes(backend)
        store.set("coll/go", {"go": run_collectives, "backend": backend, "sizes": sizes})
        if run_collectives:
            report.collectives = self._collectives_lead(go_time, backend, stand_in, note, sizes)
        else:
            why = "--no-collectives" if not options.collectives else \
                "an environment problem" if environment else "the barrier did not pass" if everyone else \
                "not every rank reported"
            report.collectives = CollectiveResult(backend=backend, stand_in=stand_in, note=f"skipped: {why}")
            self._end_collective_child()
        from ..compat.db import default_db

        report.compat_data_version = default_db().version
        report.timings = dict(self.timings, total=self._since())
        finish(report, options.strict, options.min_busbw)
        self._publish(report)
        store.set("final", {"exit_code": report.exit_code, "line": report.line})
        if launch.host_store:  # the store dies with this process: let the others read the verdict first
            present = sum(1 for r in report.ranks if r.status not in ("missing", "not_started"))
            store.gather([], "finished", present - 1, time.monotonic() + MARGIN)
        return report.exit_code

    def _launcher(self) -> Dict[str, Any]:
        launch = self.launch
        return {"kind": launch.kind, "run_id": launch.run_id, "attempt": launch.attempt,
                "world_size": launch.world_size, "master": f"{launch.master_addr}:{launch.master_port}"}

    def _sizes(self, backend: str) -> List[int]:
        from .bandwidth import parse_sizes

        if self.options.sizes:
            return self.options.sizes
        return parse_sizes(NCCL_SIZES if backend == "nccl" else GLOO_SIZES)

    def _publish(self, report: PreflightReport) -> None:
        from .render import render, to_json

        from ..errors import UsageError
        from ..output import emit, write_file

        try:
            emit(render(report, self.options.fmt), json=self.options.fmt == "json")
        except UsageError as exc:  # the verdict is the exit status; a lost stdout changes nothing
            note(f"cudacheck preflight: {exc}")
        if self.options.output:
            try:
                write_file(self.options.output, to_json(report), "--output")
            except UsageError as exc:
                note(f"cudacheck preflight: {exc}")
        if report.exit_code:
            causes = "; ".join(p.title for p in report.problems if p.severity == "error")
            self._error_file(f"cudacheck preflight: {report.line} {causes}")

    # --- other ranks ---------------------------------------------------------------------
    def _follow(self) -> int:
        options, store = self.options, self.store
        assert store is not None
        gather = store.wait("gather", self.started + options.gather_timeout + MARGIN)
        if gather is None:
            return self._no_verdict("rank 0 published no gather verdict")
        if gather.get("proceed"):
            self._barrier()
        go = store.wait("coll/go", time.monotonic() + options.barrier_timeout * 2 + MARGIN)
        if go is None:
            return self._no_verdict("rank 0 published no collective decision")
        if go.get("go"):
            self._collective_outcome(time.monotonic())
        else:
            self._end_collective_child()
        wait = options.collective_timeout + 2 * MARGIN if go.get("go") else 2 * MARGIN
        final = store.wait("final", time.monotonic() + wait)
        store.add("finished")
        if final is None:
            return self._no_verdict("rank 0 published no final verdict")
        if final.get("exit_code"):
            self._error_file(f"cudacheck preflight (rank 0's verdict): {final.get('line', '')}")
        return int(final.get("exit_code", EXIT_FAILED))

    def _no_verdict(self, what: str) -> int:
        message = (f"cudacheck preflight: rank {self.launch.rank}: {what} before the deadline "
                   f"[CC958]: rank 0 is missing, hung, or died; see its log")
        note(message)
        self._error_file(message)
        self._end_collective_child()
        return EXIT_FAILED

    # --- phase 3: gloo barrier -------------------------------------------------------------
    def _barrier(self) -> BarrierResult:
        import torch.distributed as dist

        assert self.store is not None
        options, launch = self.options, self.launch
        started = time.monotonic()
        result = BarrierResult(ran=True)
        try:
            self._mark("joining")
            prefix = dist.PrefixStore(self.store.prefix + "gloo/", self.store.store)
            dist.init_process_group("gloo", store=prefix, rank=launch.rank, world_size=launch.world_size,
                                    timeout=timedelta(seconds=options.barrier_timeout))
            self._mark("joined")
            if "hang-barrier" in self.faults:
                hang()
            self._mark("barrier")
            dist.monitored_barrier(timeout=timedelta(seconds=options.barrier_timeout), wait_all_ranks=True)
            self._mark("passed")
            result.ok = True
        except Exception as exc:  # the barrier's own verdict: which ranks did not arrive
            result.ok = False
            result.message = f"{type(exc).__name__}: {exc}".strip()[:2000]
        result.seconds = round(time.monotonic() - started, 3)
        self.timings["barrier"] = result.seconds
        if launch.rank == 0 and not result.ok:
            from .verdict import barrier_hung

            marks = {r: self.store.get(f"mark/{r}") for r in range(launch.world_size)}
            result.hung = [r for r in barrier_hung(result.message, marks, launch.world_size) if r != 0] or \
                barrier_hung(result.message, marks, launch.world_size)
        return result

    # --- phase 4: collectives in a child ---------------------------------------------------------
    def _fork_collective(self) -> None:
        from . import collective

        launch, options = self.launch, self.options
        config = collective.CollectiveConfig(
            rank=launch.rank, world_size=launch.world_size, local_rank=launch.local_rank, sizes=[], warmup=0,
            iters=0, timeout=max(1.0, options.collective_timeout - 2.0), faults=sorted(self.faults))
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the collective child: its own session, its own store connection
            code = 1
            try:
                os.setsid()
                _die_with_parent()
                store = RunStore(open_store(launch, options.gather_timeout + MARGIN, host=False), key_prefix(launch))
                code = collective.run(config, store, parent, self._collective_settings)
            except BaseException as exc:  # noqa: BLE001  (the child must always leave through os._exit)
                note(f"cudacheck preflight: rank {launch.rank}: collective child: {exception_text(exc)}")
            finally:
                os._exit(code)
        self.collective_pid = pid

    def _collective_settings(self, go: Dict[str, Any]) -> Dict[str, Any]:
        """Sizes and iteration counts for the backend rank 0 chose (called in the child)."""
        gloo = go.get("backend") != "nccl"
        return {"sizes": go.get("sizes") or [],
                "iters": self.options.iters or (5 if gloo else 20),
                "warmup": self.options.warmup if self.options.warmup is not None else (1 if gloo else 5)}

    def _collective_outcome(self, go_time: float) -> Dict[str, Any]:
        """Wait for this rank's child until the deadline, kill it if needed, and post what happened."""
        assert self.store is not None
        rank = self.launch.rank
        status, message, code = "not_run", "", None
        if self.collective_pid is not None:
            code = _wait_pid(self.collective_pid, go_time + self.options.collective_timeout)
            if code is None:
                _kill_group(self.collective_pid)
                status, message = "timeout", f"no result within {self.options.collective_timeout:g} s"
            elif code < 0:
                status, message = "crashed", f"killed by signal {-code}"
            self.collective_pid = None
        result = self.store.get(f"coll/result/{rank}")
        if status == "not_run" and result is not None:
            status = "error" if "error" in result else "ok"
            message = result.get("error", "")
        elif status == "not_run":
            status, message = "error", f"the child exited with status {code} and no result"
        outcome = {"status": status, "message": message, "last_step": self.store.get(f"coll/mark/{rank}"),
                   "result": result if status == "ok" else None}
        self.store.set(f"coll/outcome/{rank}", outcome)
        self.store.add("coll/outcomes")
        self.timings["collectives"] = round(time.monotonic() - go_time, 3)
        return outcome

    def _collectives_lead(self, go_time: float, backend: str, stand_in: bool, note: str,
                          sizes: List[int]) -> CollectiveResult:
        from .verdict import collective_result

        assert self.store is not None
        world = self.launch.world_size
        self._collective_outcome(go_time)
        keys = [f"coll/outcome/{r}" for r in range(world)]
        posted = self.store.gather(keys, "coll/outcomes", world, go_time + self.options.collective_timeout + MARGIN)
        outcomes = {r: posted.get(f"coll/outcome/{r}") for r in range(world)}
        marks = {r: self.store.get(f"coll/mark/{r}") for r in range(world) if outcomes[r] is None}
        result = collective_result(outcomes, marks, backend, stand_in, note, sizes, self.options.min_busbw)
        result.seconds = round(time.monotonic() - go_time, 3)
        return result

    def _end_collective_child(self) -> None:
        if self.collective_pid is not None:
            if _wait_pid(self.collective_pid, time.monotonic() + 1.0) is None:
                _kill_group(self.collective_pid)
            self.collective_pid = None

    # --- helpers -----------------------------------------------------------------------------
    def _mark(self, step: str) -> None:
        if self.store is not None:
            self.store.set(f"mark/{self.launch.rank}", step)

    def _since(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def _alone(self, message: str, code: int) -> int:
        """This rank cannot talk to the job: say why on its own output (one JSON line) and leave."""
        line = {"cudacheck_preflight": {"rank": self.launch.rank, "host": self.launch.host, "error": message,
                                        "exit_code": code}}
        say(json.dumps(line))
        note(f"cudacheck preflight: rank {self.launch.rank}: {message}")
        self._error_file(f"cudacheck preflight: rank {self.launch.rank}: {message}")
        self._end_collective_child()
        return code

    def _error_file(self, message: str) -> None:
        """torchrun's error file (``TORCHELASTIC_ERROR_FILE``), so its failure summary names the cause."""
        path = self.launch.error_file
        if not path:
            return
        data = {"message": {"message": message, "extraInfo": {"py_callstack": message,
                                                              "timestamp": str(int(time.time()))}}}
        from ..errors import UsageError
        from ..output import write_file

        try:
            write_file(path, json.dumps(data), "TORCHELASTIC_ERROR_FILE")
        except UsageError:
            pass

    def cleanup(self) -> None:
        """Kill this rank's children that are still running."""
        if self.check_pid is not None:
            _kill_group(self.check_pid)
            self.check_pid = None
        self._end_collective_child()

    def stop(self, signum: int, _frame: Any) -> None:
        """torchrun stops the workers of a failed gang with SIGTERM: take the children along."""
        for pid in (self.check_pid, self.collective_pid):
            if pid is not None:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
        os._exit(128 + signum)


def _drift(ranks: List[RankResult], snapshots: List[Any]):
    from ..fleet.drift import drift
    from ..fleet.facts import MachineFacts

    named = [(f"{r.host or '?'}/rank{r.rank}", MachineFacts(s)) for r, s in zip(ranks, snapshots) if s is not None]
    return drift(named)


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the rank that forked it dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_pid(pid: int, deadline: float) -> Optional[int]:
    """The child's exit status (negative: killed by that signal), or None at the deadline."""
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return 0
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    _wait_pid(pid, time.monotonic() + 1.0)
