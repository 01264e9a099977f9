"""`make bench`: latency at national scale as a ratio to /healthz, query counts, worker memory."""
