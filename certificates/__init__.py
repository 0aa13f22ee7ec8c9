"""Certificates: issued by a Celery worker when an enrolment completes; verifiable in public.
Other apps use certificates only through certificates/api.py."""
