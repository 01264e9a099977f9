"""`make bench`: the product at national scale, timed as a ratio to the framework's own floor.

1. A fresh PostgreSQL database (dropped and created again) seeded with seed_demo --cases/--mediators,
   or, with --reuse-db, the one left by an earlier run.
2. Query counts per page, in this process with Django's test client and the production settings,
   against the same database (never with a middleware in production).
3. gunicorn with the production settings and a fixed number of workers; wrk (bench/wrk.lua) sends a
   warm-up and then about --requests requests per page (wrk runs for a time: the warm-up's throughput
   sets it), with as many connections as workers, in --rounds rounds: the pages take turns round after
   round (the referral POST, which adds cases, after all rounds of the others).
4. p50 and p95 per page (the median of its rounds'), p95 as a ratio to /healthz's p95 measured just
   before each round (the median of the rounds' ratios), the budgets, the peak memory (VmHWM) of each
   worker; a table on stdout, var/bench/results.json plus a timestamped copy.

Exit status 1 when a budget fails or a page answers something unexpected.

    .venv/bin/python bench/run.py                       # 50,000 cases, 200 mediators
    .venv/bin/python bench/run.py --cases 2000 --mediators 20 --requests 500
    .venv/bin/python bench/run.py --reuse-db            # iterate on the database of the last run
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess  # nosec B404 - starts gunicorn and wrk, fixed argument lists
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/buurtbemiddeling_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
MEMORY_BUDGET_MB = 200
MIN_SECONDS, MAX_SECONDS = 3, 120  # per round
REWARM_SECONDS = 1  # before each round of a page, after its floor
FLOOR_SECONDS = 2  # /healthz just before each round of a page: that round's floor
HOST = "127.0.0.1"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000, help="cases to seed (50,000)")
    parser.add_argument("--mediators", type=int, default=200, help="mediators to seed (200)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, and wrk connections (2)")
    parser.add_argument(
        "--requests", type=int, default=3000, help="measured requests per page, about (3,000; 5 to 120 s per page)"
    )
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per page, not measured (5)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds per page, taking turns with the other pages; each figure is the median of the rounds' (5)",
    )
    parser.add_argument("--reuse-db", action="store_true", help="keep the database of the last run (no seeding)")
    parser.add_argument("--pages", default="", help="comma-separated subset of pages (healthz is always measured)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"), help="where results.json goes (var/bench)")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def configure_environment(args, port: int) -> None:
    """The production settings, pointed at the bench database, Redis db and a var directory of their own."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "buurtbemiddeling.settings.production",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or "bench-" + os.urandom(32).hex(),
            # testserver: the query counts use Django's test client.
            "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "VAR_DIR": str(Path(args.out) / "runtime"),
            "SITE_URL": f"https://{HOST}:{port}",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
    )


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def prepare(args, run_id: str) -> dict:
    """Seed (unless reused), collect static files, pick the targets, count queries, make sessions."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection, connections
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string

    from bench.pages import PAGES, count_queries, find_targets, login_session
    from cases.models import Case
    from mediators.models import Mediator

    if not args.reuse_db:
        started = time.monotonic()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("seed_demo", cases=args.cases, mediators=args.mediators, force=True, stdout=io.StringIO())
        # A database that has run a while has planner statistics; a bulk load has none yet. And the bulk
        # load's dirty pages are written now, not by a checkpoint in the middle of the measurements.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:
                print("No CHECKPOINT (it needs a superuser or pg_checkpoint): a checkpoint may fall in the run.")
        print(f"Seeded {args.cases} cases and {args.mediators} mediators in {time.monotonic() - started:.0f} s.")
    call_command("collectstatic", "--no-input", verbosity=0)
    targets = find_targets()
    queries = {}
    for page in PAGES:
        count, status = count_queries(targets, page, reference=f"BENCH-{run_id}-Q")
        if status != page.expected_status:
            raise SystemExit(f"{page.name}: the test client got {status}, expected {page.expected_status}.")
        queries[page.name] = count
    sessions = {persona: login_session(user) for persona, user in targets.users.items()}
    prepared = {
        "paths": {page.name: targets.path(page) for page in PAGES},
        "sessions": sessions,
        "csrf": get_random_string(32, CSRF_ALLOWED_CHARS),
        "queries": queries,
        "data": {"cases": Case.objects.count(), "mediators": Mediator.objects.count()},
        "machine": machine(),
    }
    connections.close_all()
    return prepared


def start_gunicorn(args, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 - lives as long as gunicorn
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "buurtbemiddeling.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log)  # noqa: S603  # nosec B603 - fixed argument list
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:  # nosec B310 - http to our own gunicorn on localhost
                if response.status == 200 and len(worker_pids(process.pid)) == args.workers:
                    return process
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log_path}")


def worker_pids(master: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def peak_memory_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)


def run_wrk(args, port: int, page, path: str, cookie: str, body: str, seconds: int, run_id: str) -> dict:
    connections = args.workers
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = os.environ | {
        "BENCH_PATH": path,
        "BENCH_METHOD": page.method,
        "BENCH_COOKIE": cookie,
        "BENCH_ORIGIN": f"https://{HOST}:{port}",
        "BENCH_BODY": body,
        "BENCH_EXPECTED_STATUS": str(page.expected_status),
        "BENCH_OUT": str(out),
        "BENCH_RUN_ID": run_id,
    }
    command = [
        shutil.which("wrk") or "wrk",
        f"--threads={connections}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={ROOT / 'bench' / 'wrk.lua'}",
        f"http://{HOST}:{port}",
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)  # noqa: S603  # nosec B603 - fixed argument list
    result = json.loads(out.read_text())
    out.unlink()
    return result


def measure(args, port: int, prepared: dict, pages, run_id: str) -> dict[str, list[dict]]:
    """wrk's results per page, one per round; each round with the floor measured just before it.

    The pages take turns, round after round, so that a slow minute of a shared machine falls on one
    round of several pages rather than on every request of one page; report() takes the median of the
    rounds. The pages that write (the referral POST adds cases) have their rounds after all the others,
    so that every round of the triage queue sees the queue as seeded.

    Each round of a page is preceded by FLOOR_SECONDS of /healthz (then a second of the page again,
    not measured): the round's ratio is its p95 over that floor's p95, both measured within a few
    seconds of each other. The speed of this shared machine drifts by a fifth or more within minutes,
    and a floor measured once per round, up to a minute before the page (for the referral POST, after
    all rounds of the others: several minutes), put that drift into the ratio. The healthz row shows
    the median of all these floors.
    """
    from bench.pages import referral_form_data

    csrf = prepared["csrf"]
    per_round = math.ceil(args.requests / args.rounds)
    seconds: dict[str, int] = {}
    floor_page = next(page for page in pages if page.name == "healthz")
    results: dict[str, list[dict]] = {page.name: [] for page in pages}

    def wrk(page, seconds_: int, label: str) -> dict:
        cookie = f"csrftoken={csrf}"
        if page.persona:
            cookie += f"; sessionid={prepared['sessions'][page.persona]}"
        body = ""
        if page.method == "POST":
            body = urlencode(referral_form_data("__REFERENCE__") | {"csrfmiddlewaretoken": csrf}, doseq=True)
        return run_wrk(args, port, page, prepared["paths"][page.name], cookie, body, seconds_, label)

    def one_round(page, number: int) -> None:
        if page.name not in seconds:
            # wrk runs for a time, not a count: the warm-up's throughput sets the time for a round.
            warmup = wrk(page, args.warmup, f"{run_id}w")
            rate = warmup["requests"] / max(warmup["duration_us"] / 1e6, 0.001)
            seconds[page.name] = min(MAX_SECONDS, max(MIN_SECONDS, math.ceil(per_round / max(rate, 0.1))))
        floor = wrk(floor_page, FLOOR_SECONDS, f"{run_id}f{number}")
        results[floor_page.name].append(floor)
        # The floor ran in between: a second of this page again, not measured.
        wrk(page, REWARM_SECONDS, f"{run_id}w{number}")
        result = wrk(page, seconds[page.name], f"{run_id}r{number}")
        result["floor_latency_us"] = floor["latency_us"]
        results[page.name].append(result)
        latency, floor_p95 = result["latency_us"], floor["latency_us"]["p95"]
        print(
            f"  {page.name:<20} round {number}/{args.rounds} {result['requests']:>6} requests"
            f"  p50 {latency['p50'] / 1000:7.1f} ms  p95 {latency['p95'] / 1000:7.1f} ms"
            f"  healthz p95 {floor_p95 / 1000:5.2f} ms  ratio {latency['p95'] / max(floor_p95, 1):5.1f}x",
            flush=True,
        )

    wrk(floor_page, args.warmup, f"{run_id}fw")
    readers = [page for page in pages if page.method == "GET" and page is not floor_page]
    writers = [page for page in pages if page.method != "GET"]
    for number in range(1, args.rounds + 1):
        for page in readers:
            one_round(page, number)
    for page in writers:
        for number in range(1, args.rounds + 1):
            one_round(page, number)
    return results


def report(args, prepared: dict, measured: dict, memory: list, loads: dict, started_at: str) -> dict:
    from bench.pages import PAGES

    rows = []
    for page in PAGES:
        if page.name not in measured:
            continue
        rounds = measured[page.name]
        # Each figure is the median of the rounds' figures (wrk's percentiles of each round).
        p50, p95, p99 = (
            statistics.median([result["latency_us"][key] for result in rounds]) for key in ("p50", "p95", "p99")
        )
        # Each round's p95 over the floor measured just before it (measure()); the median of the rounds.
        # For the healthz row itself: 1 by definition.
        ratio = statistics.median(
            [
                result["latency_us"]["p95"] / result["floor_latency_us"]["p95"] if "floor_latency_us" in result else 1.0
                for result in rounds
            ]
        )
        problems = sum(result["unexpected_status"] + sum(result["errors"].values()) for result in rounds)
        within = page.budget is None or ratio <= page.budget
        rows.append(
            {
                "page": page.name,
                "path": prepared["paths"][page.name],
                "method": page.method,
                "requests": sum(result["requests"] for result in rounds),
                "p50_ms": round(p50 / 1000, 2),
                "p95_ms": round(p95 / 1000, 2),
                "p99_ms": round(p99 / 1000, 2),
                "ratio_p95_to_healthz": round(ratio, 2),
                "rounds": [
                    {
                        "requests": result["requests"],
                        "p50_ms": round(result["latency_us"]["p50"] / 1000, 2),
                        "p95_ms": round(result["latency_us"]["p95"] / 1000, 2),
                        **(
                            {
                                "healthz_p95_ms": round(result["floor_latency_us"]["p95"] / 1000, 2),
                                "ratio": round(result["latency_us"]["p95"] / result["floor_latency_us"]["p95"], 2),
                            }
                            if "floor_latency_us" in result
                            else {}
                        ),
                    }
                    for result in rounds
                ],
                "budget": page.budget,
                "queries": prepared["queries"][page.name],
                "unexpected_responses": problems,
                "passed": within and problems == 0,
            }
        )
    memory_ok = bool(memory) and all(mb is not None and mb < MEMORY_BUDGET_MB for mb in memory)
    return {
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
        "machine": prepared["machine"],
        "load_average": loads,
        "settings": {
            "workers": args.workers,
            "connections": args.workers,
            "requests_per_page": args.requests,
            "rounds": args.rounds,
            "warmup_seconds_per_page": args.warmup,
            "healthz_seconds_before_each_round": FLOOR_SECONDS,
            "settings_module": os.environ["DJANGO_SETTINGS_MODULE"],
        },
        "data": prepared["data"],
        "pages": rows,
        "worker_peak_memory_mb": memory,
        "memory_budget_mb": MEMORY_BUDGET_MB,
        "memory_passed": memory_ok,
        "passed": memory_ok and all(row["passed"] for row in rows),
    }


def print_table(results: dict) -> None:
    header = f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7} {'budget':>7} {'queries':>8}  result"
    print("\n" + header + "\n" + "-" * len(header))
    for row in results["pages"]:
        budget = f"{row['budget']:g}x" if row["budget"] is not None else "floor"
        verdict = "pass" if row["passed"] else "FAIL"
        if row["unexpected_responses"]:
            verdict += f" ({row['unexpected_responses']} unexpected responses)"
        print(
            f"{row['page']:<20} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['ratio_p95_to_healthz']:>6.1f}x"
            f" {budget:>7} {row['queries']:>8}  {verdict}"
        )
    memory = ", ".join(f"{mb} MB" for mb in results["worker_peak_memory_mb"])
    print(
        f"\nworker peak memory (VmHWM): {memory}  budget < {results['memory_budget_mb']} MB: "
        f"{'pass' if results['memory_passed'] else 'FAIL'}"
    )
    data, load = results["data"], results["load_average"]
    print(
        f"data: {data['cases']} cases, {data['mediators']} mediators; "
        f"load average before {load['before']}, after {load['after']}"
    )
    print("ALL BUDGETS HOLD" if results["passed"] else "BUDGET FAILED")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.rounds < 1:
        raise SystemExit("--rounds must be 1 or more.")
    port = free_port()
    configure_environment(args, port)
    import django

    django.setup()
    from bench.pages import PAGES

    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    unknown = wanted - {page.name for page in PAGES}
    if unknown:
        raise SystemExit(f"Unknown pages: {', '.join(sorted(unknown))}")
    pages = [page for page in PAGES if not wanted or page.name in wanted or page.name == "healthz"]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it when run as root).")
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.reuse_db:
        print(f"Recreating {urlsplit(args.database_url).path.strip('/')} and seeding it ...", flush=True)
        recreate_database(args.database_url)
    flush_redis(args.redis_url)
    prepared = prepare(args, run_id)
    loads = {"before": load_average()}
    print(f"Starting gunicorn ({args.workers} workers) on port {port}; load average {loads['before']}", flush=True)
    server = start_gunicorn(args, port, out / "gunicorn.log")
    try:
        measured = measure(args, port, prepared, pages, run_id)
        memory = [peak_memory_mb(pid) for pid in worker_pids(server.pid)]
        loads["after"] = load_average()
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = report(args, prepared, measured, memory, loads, started_at)
    print_table(results)
    text = json.dumps(results, indent=2) + "\n"
    (out / "results.json").write_text(text)
    (out / f"results-{run_id}.json").write_text(text)
    print(f"Written to {out / 'results.json'} and results-{run_id}.json")
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
