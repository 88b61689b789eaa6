"""Settings for the test suite: the production settings, served over plain HTTP, with fast hashing."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from safecity.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "urgent"]}}
# Assertions read messages in English (the msgids). Production defaults to Chinese (zh-hans);
# tests/test_i18n.py checks that default and the Chinese catalogue on their own.
LANGUAGE_CODE = "en"
# The device services rewrite the broker's files after every change and signal the Mosquitto whose
# pid file is there: in a directory of this test process, never the demo's var/mosquitto.
TELEMETRY_BROKER_DIR = Path(tempfile.mkdtemp(prefix="safecity-test-broker-"))
atexit.register(shutil.rmtree, TELEMETRY_BROKER_DIR, ignore_errors=True)
