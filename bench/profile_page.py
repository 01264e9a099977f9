"""Profile one bench page in-process against the bench database (seed it first with `make bench`).

.venv/bin/python bench/profile_page.py triage_queue [--repeat 20]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import configure_environment, parse_args


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=35)
    options = parser.parse_args()
    configure_environment(parse_args([]), 8000)
    import django

    django.setup()
    from django.conf import settings

    from bench.pages import PAGES_BY_NAME, find_targets, https_client, login_session, referral_form_data

    page = PAGES_BY_NAME[options.page]
    targets = find_targets()
    client = https_client()
    if page.persona:
        client.cookies[settings.SESSION_COOKIE_NAME] = login_session(targets.users[page.persona])
    path = targets.path(page)

    def once(n):
        if page.method == "POST":
            return client.post(path, referral_form_data(f"PROFILE-{time.time_ns()}-{n}"))
        return client.get(path)

    once(0)
    started = time.perf_counter()
    for n in range(options.repeat):
        once(n)
    print(f"{page.name}: {(time.perf_counter() - started) / options.repeat * 1000:.1f} ms per request in-process")
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(options.repeat):
        once(n)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(options.top)


if __name__ == "__main__":
    main()
