#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat (each its own process) in the foreground; Ctrl-C
# stops them all, and so does any one of them ending (a killed worker takes beat down with it: no orphan
# beat keeps running to double every scheduled job after a restart). Beat also holds a lock under VAR_DIR,
# so a second beat waits rather than runs.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
VAR_DIR="${VAR_DIR:-var}"
# The worker and beat build links too: they read HOST and PORT for the default SITE_URL.
export HOST PORT

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

mkdir -p "$VAR_DIR"
.venv/bin/celery -A elearning worker --loglevel=INFO --concurrency=2 --hostname "worker@%h" &
pids+=($!)
$PY -m elearning.beat --loglevel=INFO --schedule "$VAR_DIR/celerybeat-schedule" &
pids+=($!)
$PY manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)

echo
echo "  The course is being served at http://$HOST:$PORT/  (Ctrl-C stops the server, the worker and beat)"
echo "  Emails are written to var/mail/ unless EMAIL_HOST is set."
echo

# Stop everything as soon as any process ends.
wait -n "${pids[@]}"
stop
