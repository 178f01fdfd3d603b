"""Operational visibility (issue 16.2): the health endpoint, Prometheus metrics, structured logs
with a request id, and the record of when beat's tasks last ran."""
