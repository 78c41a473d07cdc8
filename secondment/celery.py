"""The Celery application. Tasks live in each app's ``tasks.py``."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondment.settings")

app = Celery("secondment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_FILESYSTEM_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def broker_folders_create(conf) -> None:
    """Create the folders of kombu's filesystem transport, which kombu itself never creates.

    Without them the embedded default (no ``REDIS_URL``) could not take a job on a fresh checkout.
    """
    if not str(conf.broker_url or "").startswith("filesystem://"):
        return
    options = conf.broker_transport_options or {}
    for key in _FILESYSTEM_FOLDERS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_after_configure(sender, **kwargs):
    broker_folders_create(sender.conf)
