# gunicorn reads this file at start from its working directory (README, "gunicorn, the Celery
# worker and beat under systemd"); options on the command line (-w, -b) still win over it.
#
# The access log goes to standard output (the journal) and leaves out query strings: a search or
# a filter may carry a name or a number, and no URL of the portal may carry personal data into a
# log. "%(U)s" is the path alone, where gunicorn's default "%(r)s" is the whole request line.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms "%(a)s"'
