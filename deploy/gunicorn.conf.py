"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py`.

The application's own configuration comes from the environment (see .env.example); only how the
web process runs is set here. Override a value per host with GUNICORN_CMD_ARGS, e.g.
GUNICORN_CMD_ARGS="--workers 8 --bind 0.0.0.0:8000".
"""

import multiprocessing

wsgi_app = "secondment.wsgi:application"

# nginx (deploy/nginx/secondment.conf) proxies to this address on the same host.
bind = "127.0.0.1:8000"
# Sync workers: requests are short, long work goes to Celery through the job outbox.
workers = min(2 * multiprocessing.cpu_count() + 1, 9)
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Only the local proxy may set X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER trusts it).
forwarded_allow_ips = "127.0.0.1,::1"

accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss'
# Worker heartbeat files on tmpfs: a slow disk never makes a healthy worker look hung.
worker_tmp_dir = "/dev/shm"
