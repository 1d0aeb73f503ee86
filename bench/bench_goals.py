"""The performance goals of issue 11, each a ratio against a yardstick measured in the same run.

Run it with ``bash bench/run`` (options below). Every figure is printed next to its
yardstick and the ratio; the machine is shared, so each ratio comes from paired,
interleaved runs (A B, B A, A B, ...) and the load average is printed before and after.
Traffic goes only to one emulator on 127.0.0.1; every loop is bounded in count and every
child process in time.

1. import:   ``pwsh -c "Import-Module MgBridge"`` (whole process) / the same with an empty
             module, from the checkout (a PSModulePath folder linking ``MgBridge`` to
             ``psmodule/``, as docs/guide.md installs it) and from the installed package
             (``dist/MgBridge.*.nupkg`` installed with PSResourceGet when ``scripts/package``
             built one, else a copy of ``psmodule/``). Goal <= 1.10.
2. cold:     bench/goals/cold_start.ps1 (Import-Module, Add-MgEnvironment, Connect-MgGraph,
             one create), default transport, from the checkout / ``pwsh -c '$null'``. Goal
             <= 2.0. Also shown: the installed package, pythonnet, and the checkout with
             ``MGBRIDGE_JIT_PROFILE=0`` (no startup profile).
3. warm:     the median PowerShell call (bench/goals/warm_calls.ps1) / the median Python
             API call (bench/goals/warm_calls.py), same emulator. Goal <= 2.
4. parallel: 200 creates, a plain loop / ``ForEach-Object -Parallel -ThrottleLimit 8``, with
             the emulator adding 50 ms to each create (goal >= 5, exactly 200 jobs stored),
             and without (goal >= 1: parallel never slower), on both transports.
5. python:   ``python -c "import bridge"`` / ``python -c "import httpx"``. Goal <= 1.05.
6. memory:   peak RSS of the cold-start pwsh (after its first job) - bare pwsh's, default
             transport. Goal <= 60 MB.

Usage::

    bash bench/run [--pairs 7] [--calls 200] [--count 200] [--goals 1,2,3,4,5,6]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import httpx

REPO = Path(__file__).resolve().parent.parent
GOALS = REPO / "bench" / "goals"
#: No child of the benchmark may run longer than this (seconds).
CHILD_TIMEOUT = 300
TRANSPORTS = ("pythonnet", "subprocess")


def _load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class Bench:
    """The run's shared fixtures: the pwsh path, the emulator, module folders, temp files."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.pwsh = shutil.which("pwsh") or str(Path.home() / ".dotnet/tools/pwsh")
        self.python = str(REPO / ".venv/bin/python") if (REPO / ".venv/bin/python").exists() \
            else sys.executable
        self.temp = Path(tempfile.mkdtemp(prefix="mgbridge-bench-"))
        self.emulator: Optional[subprocess.Popen[str]] = None
        self.info: dict[str, Any] = {}
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")
        self.env.pop("MGBRIDGE_TRANSPORT", None)
        self.env.pop("MGBRIDGE_JIT_PROFILE", None)
        # The module cache as after a user's first import (the DLL compiled once), but the
        # benchmark's own, so a run never depends on what another checkout left there.
        self.env["MGBRIDGE_CACHE"] = str(self.temp / "cache")
        self.env["POWERSHELL_TELEMETRY_OPTOUT"] = "1"
        self.env["POWERSHELL_UPDATECHECK"] = "Off"

    # -- fixtures ---------------------------------------------------------------------------

    def start_emulator(self) -> None:
        self.emulator = subprocess.Popen(
            [self.python, "-m", "bridge.emulator", "--port", "0"], stdout=subprocess.PIPE,
            text=True, env=self.env, cwd=str(REPO))
        assert self.emulator.stdout is not None
        line = self.emulator.stdout.readline()
        if not line:
            raise SystemExit("bench: the emulator did not start")
        self.info = json.loads(line)
        self.values = self.temp / "values.txt"
        self.values.touch(mode=0o600)
        self.values.write_text("\n".join([
            self.info["login_url"], self.info["graph_url"], self.info["ca_file"],
            self.info["tenant_id"], self.info["client_id"], self.info["client_secret"],
            self.info["application_id"]]) + "\n", encoding="utf-8")
        self.admin = httpx.Client(base_url=self.info["admin_url"], verify=self.info["ca_file"])

    def stop(self) -> None:
        if self.emulator is not None:
            self.emulator.terminate()
            try:
                self.emulator.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.emulator.kill()
        shutil.rmtree(self.temp, ignore_errors=True)

    def new_application(self) -> str:
        response = self.admin.post("/applications", json={})
        response.raise_for_status()
        return str(response.json()["id"])

    def job_count(self, app: str) -> int:
        response = self.admin.get(f"/applications/{app}/jobs")
        response.raise_for_status()
        return len(response.json()["value"])

    def latency(self, seconds: float) -> None:
        if seconds:
            response = self.admin.post("/faults", json=[{"route": "jobs.create", "kind": "latency",
                                                         "seconds": seconds, "count": -1}])
        else:
            response = self.admin.delete("/faults")
        response.raise_for_status()

    def module_path(self, kind: str) -> str:
        """A PSModulePath folder holding ``MgBridge`` (and the empty yardstick module)."""
        folder = self.temp / f"modules-{kind}"
        if folder.exists():
            return str(folder)
        folder.mkdir()
        empty = folder / "MgBridgeBenchEmpty"
        empty.mkdir()
        (empty / "MgBridgeBenchEmpty.psm1").write_text("function Get-Nothing {}\n")
        if kind == "checkout":
            (folder / "MgBridge").symlink_to(REPO / "psmodule")
        else:
            self.install_package(folder)
        # First import: compiles what the cache keeps (as a user's first import would).
        self.pwsh_run(["-c", "Import-Module MgBridge"], {"PSModulePath": str(folder)})
        return str(folder)

    def install_package(self, folder: Path) -> None:
        packages = sorted((REPO / "dist").glob("MgBridge.*.nupkg")) if (REPO / "dist").exists() else []
        if packages:
            self.installed_from = f"{packages[-1].name} (Save-PSResource)"
            script = (
                "$ErrorActionPreference = 'Stop'; "
                f"Register-PSResourceRepository -Name MgBridgeBench -Uri '{packages[-1].parent}' -Trusted; "
                "try { Save-PSResource -Name MgBridge -Repository MgBridgeBench "
                f"-Path '{folder}' -TrustRepository -SkipDependencyCheck -Quiet }} "
                "finally { Unregister-PSResourceRepository -Name MgBridgeBench }")
            self.pwsh_run(["-c", script], {})
        else:
            self.installed_from = "a copy of psmodule/ (no dist/MgBridge.*.nupkg: run scripts/package)"
            shutil.copytree(REPO / "psmodule", folder / "MgBridge", symlinks=False)

    def powershell_build(self) -> str:
        """pwsh's version, its .NET, and whether its engine assembly is precompiled.

        An engine shipped as IL only (as the dotnet global tool ships it) is JIT-compiled path by
        path on first use, so every first call into PowerShell's parser, compiler and binders
        costs milliseconds: what the import and cold-start ratios mostly measure then.
        """
        script = (
            "$path = [psobject].Assembly.Location; $stream = [System.IO.File]::OpenRead($path); "
            "try { $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream); "
            "$r2r = $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } "
            "finally { $stream.Dispose() }; "
            "'{0}|{1}|{2}' -f $PSVersionTable.PSVersion, "
            "[System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription, $r2r")
        version, runtime, r2r = self.pwsh_run(["-c", script], capture=True)[2].strip().splitlines()[-1].split("|")
        compiled = ("yes" if r2r == "True" else
                    "no (IL only: each engine path is JIT-compiled the first time a process uses it)")
        return f"pwsh {version} on {runtime}; System.Management.Automation precompiled (ReadyToRun): {compiled}"

    # -- running children ---------------------------------------------------------------------

    def run(self, argv: Sequence[str], extra: Optional[dict[str, str]] = None,
            capture: bool = False) -> tuple[float, int, str]:
        """Run one child; (wall seconds, peak RSS in KB of the child, stdout)."""
        env = dict(self.env, **(extra or {}))
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), env=env, cwd=str(self.temp),
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        out = b""
        if capture:
            assert proc.stdout is not None
            out = proc.stdout.read()
        deadline = started + CHILD_TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise SystemExit(f"bench: {argv} ran longer than {CHILD_TIMEOUT} s")
            time.sleep(0.002)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}:\n{out.decode()}")
        return elapsed, usage.ru_maxrss, out.decode("utf-8", "replace")

    def pwsh_run(self, argv: Sequence[str], extra: Optional[dict[str, str]] = None,
                 capture: bool = False) -> tuple[float, int, str]:
        return self.run([self.pwsh, "-NoProfile", "-NonInteractive", *argv], extra, capture)

    def pwsh_json(self, argv: Sequence[str], extra: dict[str, str]) -> dict[str, Any]:
        out = self.pwsh_run(argv, extra, capture=True)[2]
        return dict(json.loads(out.strip().splitlines()[-1]))

    def paired(self, a: Callable[[], tuple[float, int, str]],
               b: Callable[[], tuple[float, int, str]]) -> tuple[list[float], list[float],
                                                                   list[int], list[int]]:
        """Interleave ``a`` and ``b`` (AB, BA, AB, ...) after one warm-up of each."""
        a(); b()
        ta: list[float] = []
        tb: list[float] = []
        ra: list[int] = []
        rb: list[int] = []
        for i in range(self.args.pairs):
            order = ((a, ta, ra), (b, tb, rb)) if i % 2 == 0 else ((b, tb, rb), (a, ta, ra))
            for run, times, rss in order:
                elapsed, peak, _ = run()
                times.append(elapsed)
                rss.append(peak)
        return ta, tb, ra, rb

    # -- report -------------------------------------------------------------------------------

    def row(self, goal: str, what: str, figure: str, yardstick: str, ratio: str,
            verdict: str) -> None:
        self.rows.append((goal, what, figure, yardstick, ratio, verdict))
        print(f"  {what:<44} {figure:>12}  vs {yardstick:>12}  = {ratio:>8}  {verdict}",
              flush=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# How many methods the JIT compiles while a command runs (all threads), and its compile time:
# printed beside the import and cold-start ratios, which measure mostly this on a pwsh whose
# own assemblies are not precompiled (see Bench.powershell_build).
_JIT_SCRIPT = (
    "$n = [System.Runtime.JitInfo]::GetCompiledMethodCount($false); "
    "$t = [System.Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds; "
    "{command}; "
    "'{{0}} {{1}}' -f ([System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $n), "
    "([System.Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds - $t)")


def _jit_counts(b: Bench, command: str, extra: dict[str, str], runs: int = 3) -> tuple[int, float]:
    """Median methods compiled and JIT milliseconds while ``command`` runs in a fresh pwsh."""
    counts: list[int] = []
    times: list[float] = []
    for _ in range(runs):
        out = b.pwsh_run(["-c", _JIT_SCRIPT.format(command=command)], extra, capture=True)[2]
        methods, milliseconds = out.strip().splitlines()[-1].split()
        counts.append(int(methods))
        times.append(float(milliseconds))
    return int(statistics.median(counts)), statistics.median(times)


def _jit_row(b: Bench, goal: str, what: str, command: str, yardstick: str,
             extra: dict[str, str]) -> None:
    """An information row: methods the JIT compiles for ``command`` beside ``yardstick``'s."""
    ours = _jit_counts(b, command, extra)
    theirs = _jit_counts(b, yardstick, extra)
    b.row(goal, what, f"{ours[0]} ({ours[1]:.0f} ms)", f"{theirs[0]} ({theirs[1]:.0f} ms)",
          f"+{ours[0] - theirs[0]}", "(info)")


def goal_import(b: Bench) -> None:
    print("goal 1: pwsh -c \"Import-Module MgBridge\", whole process, vs the empty module "
          "(<= 1.10x)", flush=True)
    for kind in ("checkout", "installed"):
        path = b.module_path(kind)
        extra = {"PSModulePath": path}
        mod, empty, _, _ = b.paired(
            lambda: b.pwsh_run(["-c", "Import-Module MgBridge"], extra),
            lambda: b.pwsh_run(["-c", "Import-Module MgBridgeBenchEmpty"], extra))
        ratio = statistics.median(mod) / statistics.median(empty)
        if kind == "installed":
            print(f"  installed from {b.installed_from}")
        b.row("1", f"import MgBridge, {kind}", _ms(statistics.median(mod)),
              _ms(statistics.median(empty)), f"{ratio:.2f}x", _verdict(ratio <= 1.10))
        _jit_row(b, "1", f"  methods JIT-compiled by the import, {kind}",
                 "Import-Module MgBridge", "Import-Module MgBridgeBenchEmpty", extra)


def goal_cold(b: Bench) -> None:
    print("goal 2: cold start (import, Add-MgEnvironment, Connect-MgGraph, one create) vs "
          "pwsh -c '$null' (<= 2.0x); goal 6: its peak RSS vs bare pwsh (<= +60 MB)", flush=True)
    # The goal's row: the checkout on the default transport. For information: the installed
    # package (no source stamp, its DLL precompiled; pointed at the checkout's .venv with
    # $env:MGBRIDGE_PYTHON, as an installed module is pointed at its Python) and pythonnet;
    # and the checkout without .NET's startup profile (psmodule/custom/JitProfile.cs), to
    # show what it saves in the same run.
    runs: list[tuple[str, Optional[str], bool]] = [("checkout", None, True)]
    if not b.args.default_only:
        runs += [("installed", None, True), ("checkout", "pythonnet", True), ("checkout", None, False)]
    for kind, transport, profiled in runs:
        extra = {"PSModulePath": b.module_path(kind)}
        if transport:
            extra["MGBRIDGE_TRANSPORT"] = transport
        if not profiled:
            extra["MGBRIDGE_JIT_PROFILE"] = "0"
        if kind == "installed":
            extra["MGBRIDGE_PYTHON"] = b.python
        cold, bare, cold_rss, bare_rss = b.paired(
            lambda: b.pwsh_run(["-File", str(GOALS / "cold_start.ps1"), str(b.values)], extra),
            lambda: b.pwsh_run(["-c", "$null"], extra))
        ratio = statistics.median(cold) / statistics.median(bare)
        if kind == "installed":
            print(f"  installed from {b.installed_from}")
        name = ", ".join(filter(None, [transport or "default transport",
                                       "installed package" if kind == "installed" else None,
                                       None if profiled else "JIT profile off"]))
        goal = kind == "checkout" and not transport and profiled
        b.row("2", f"cold start, {name}", _ms(statistics.median(cold)),
              _ms(statistics.median(bare)), f"{ratio:.2f}x",
              _verdict(ratio <= 2.0) if goal else "(info)")
        if goal:
            _jit_row(b, "2", "  methods JIT-compiled by the script",
                     f"& '{GOALS / 'cold_start.ps1'}' '{b.values}'", "$null", extra)
        extra_mb = (statistics.median(cold_rss) - statistics.median(bare_rss)) / 1024
        b.row("6", f"peak RSS after first job, {name}",
              f"{statistics.median(cold_rss) / 1024:.0f} MB",
              f"{statistics.median(bare_rss) / 1024:.0f} MB", f"+{extra_mb:.0f} MB",
              _verdict(extra_mb <= 60) if goal else "(info)")


def goal_warm(b: Bench) -> None:
    print(f"goal 3: warm call, median of {b.args.calls}, PowerShell vs the Python API "
          "(<= 2x)", flush=True)
    path = b.module_path("checkout")
    results: dict[str, list[float]] = {"python": [], **{t: [] for t in TRANSPORTS}}
    for _ in range(3):  # three interleaved rounds
        out = b.run([b.python, str(GOALS / "warm_calls.py"), str(b.values),
                     str(b.args.calls)], capture=True)[2]
        results["python"].append(json.loads(out.strip().splitlines()[-1])["median_ms"])
        for transport in TRANSPORTS:
            r = b.pwsh_json(["-File", str(GOALS / "warm_calls.ps1"), str(b.values),
                             str(b.args.calls)],
                            {"PSModulePath": path, "MGBRIDGE_TRANSPORT": transport})
            results[transport].append(r["median_ms"])
    python = statistics.median(results["python"])
    for transport in TRANSPORTS:
        ps = statistics.median(results[transport])
        b.row("3", f"warm call, {transport}", f"{ps:.2f} ms", f"{python:.2f} ms",
              f"{ps / python:.2f}x", _verdict(ps / python <= 2))


def goal_parallel(b: Bench) -> None:
    count = b.args.count
    print(f"goal 4: {count} creates, plain loop vs ForEach-Object -Parallel -ThrottleLimit 8 "
          "(>= 5x at 50 ms latency, >= 1x without; exactly N jobs stored)", flush=True)
    path = b.module_path("checkout")
    for latency in (0.05, 0.0):
        for transport in TRANSPORTS:
            b.latency(latency)
            seq_app, par_app = b.new_application(), b.new_application()
            try:
                r = b.pwsh_json(["-File", str(GOALS / "parallel.ps1"), str(b.values), seq_app,
                                 par_app, str(count)],
                                {"PSModulePath": path, "MGBRIDGE_TRANSPORT": transport})
            finally:
                b.latency(0)
            stored = b.job_count(par_app), b.job_count(seq_app)
            speedup = r["sequential_ms"] / r["parallel_ms"]
            goal = 5.0 if latency else 1.0
            exact = stored == (count, count) and not r["failures"]
            b.row("4", f"{transport}, {latency * 1000:.0f} ms latency; jobs {stored[0]}/{count}",
                  f"{r['parallel_ms'] / 1000:.2f} s", f"{r['sequential_ms'] / 1000:.2f} s",
                  f"{speedup:.2f}x", _verdict(speedup >= goal and exact))
            if r["failures"]:
                print(f"    failures: {r['failures']}")
            # The floors of the same run (docs/performance.md, parallel): -Parallel itself, and
            # the helper's own overlap without PowerShell in the way.
            b.row("4", f"  -Parallel, {count} empty items (its own cost)",
                  f"{r['empty_parallel_ms'] / 1000:.2f} s", f"{r['parallel_ms'] / 1000:.2f} s",
                  f"{r['empty_parallel_ms'] / r['parallel_ms']:.0%}", "(info)")
            raw = r.get("raw")
            if raw:
                b.row("4", f"  raw: {raw['batch']} creates in flight over the helper vs 1",
                      f"{raw['batch_ms']:.0f} ms", f"{raw['one_ms']:.0f} ms",
                      f"{raw['batch'] * raw['one_ms'] / raw['batch_ms']:.2f}x", "(info)")


def goal_python(b: Bench) -> None:
    print("goal 5: python -c 'import bridge' vs python -c 'import httpx' (<= 1.05x)", flush=True)
    pairs = b.args.pairs
    b.args.pairs = max(pairs, 15)  # each run is short; more pairs steady the medians
    try:
        core, httpx_, _, _ = b.paired(lambda: b.run([b.python, "-c", "import bridge"]),
                                      lambda: b.run([b.python, "-c", "import httpx"]))
    finally:
        b.args.pairs = pairs
    ratio = statistics.median(core) / statistics.median(httpx_)
    b.row("5", "import bridge", _ms(statistics.median(core)), _ms(statistics.median(httpx_)),
          f"{ratio:.2f}x", _verdict(ratio <= 1.05))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7, help="paired runs per ratio (default 7)")
    parser.add_argument("--calls", type=int, default=200, help="warm calls per median (default 200)")
    parser.add_argument("--count", type=int, default=200, help="creates per parallel phase (200)")
    parser.add_argument("--goals", default="1,2,3,4,5,6", help="which goals (default all)")
    parser.add_argument("--default-only", action="store_true",
                        help="cold start on the default transport only (not also pythonnet)")
    args = parser.parse_args(argv)
    args.pairs = max(1, min(args.pairs, 50))
    args.calls = max(1, min(args.calls, 5000))
    args.count = max(1, min(args.count, 2000))
    goals = set(args.goals.split(","))
    b = Bench(args)
    started = time.perf_counter()
    load_before = _load()
    print(f"mgbridge goals benchmark; load average {load_before}; {os.cpu_count()} cores; "
          f"{args.pairs} pairs per ratio", flush=True)
    print(f"  {b.powershell_build()}", flush=True)
    try:
        b.start_emulator()
        if "1" in goals:
            goal_import(b)
        if goals & {"2", "6"}:
            goal_cold(b)
        if "3" in goals:
            goal_warm(b)
        if "4" in goals:
            goal_parallel(b)
        if "5" in goals:
            goal_python(b)
    finally:
        b.stop()
    print(f"load average before {load_before}, after {_load()}; "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    print("\n| goal | what | figure | yardstick | ratio | |\n|---|---|---|---|---|---|")
    for row in b.rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
