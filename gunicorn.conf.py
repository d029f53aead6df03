# gunicorn reads this file at start from its working directory (README, "gunicorn, the Celery
# worker and beat under systemd"); options on the command line (-w, -b) still win over it.
import os

# One sync worker per core this process may run on, or WEB_CONCURRENCY where it is set. The portal's
# requests are CPU work in Python between short database round trips; with PostgreSQL on the same
# host, a worker per core answered a deadline burst faster than two per core (docs/BENCHMARKS.md,
# "One worker per core"): more workers than cores only take turns on them. With the database on
# another host a worker waits longer on each query, and more may pay: set WEB_CONCURRENCY and
# measure with scripts/bench_burst.py.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))

# The access log goes to standard output (the journal) and leaves out query strings: a search or
# a filter may carry a name or a number, and no URL of the portal may carry personal data into a
# log. "%(U)s" is the path alone, where gunicorn's default "%(r)s" is the whole request line.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms "%(a)s"'
