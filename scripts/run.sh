#!/usr/bin/env bash
# Starts the web server and a Celery worker (with beat) in the foreground; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  exit 0
}
trap stop INT TERM EXIT

mkdir -p var
.venv/bin/celery -A elearning worker --beat --loglevel=INFO --concurrency=2 \
  --schedule var/celerybeat-schedule --hostname "worker@%h" &
pids+=($!)
$PY manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)

echo
echo "  The course is being served at http://$HOST:$PORT/  (Ctrl-C stops the server and the worker)"
echo "  Emails are written to var/mail/ unless EMAIL_HOST is set."
echo

# Stop everything as soon as either process ends.
wait -n "${pids[@]}"
stop
