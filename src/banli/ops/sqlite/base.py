"""Django's SQLite backend, with the writers of one process queued before SQLite's lock.

Every transaction begins IMMEDIATE (settings: transaction_mode), so it takes SQLite's write lock
at BEGIN and never fails for a stale snapshot; one that finds the lock taken waits in SQLite's
busy handler. That handler polls, sleeping up to 100 ms between tries, and the newest waiter
tries first: with 50 requests writing at once, a writer that came early could wait 10-15 s while
later ones passed it, close to the busy timeout, past which it fails with "database is locked".

So the threads of one process first queue on a lock of their own for that database file, and
the next one is woken the moment the previous transaction ends; SQLite's busy handler is left to
arbitrate between processes (a second server process, the Celery worker, a management command).
The queue only orders: SQLite's lock still guards the data. A thread waits on the queue no longer
than the busy timeout; past that it goes on to BEGIN and meets SQLite's lock as it would have."""

import threading
from collections import deque

from django.db.backends.sqlite3 import base


class _Turns:
    """A lock handed to its waiters in the order they came (threading.Lock lets a newcomer barge
    in, which under a burst starves the early waiters just as SQLite's busy handler does)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._taken = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            me = threading.Lock()
            me.acquire()
            self._waiting.append(me)
        if me.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            if me in self._waiting:
                self._waiting.remove(me)
                return False
        return True  # handed over just as the wait timed out

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # still taken: now by that waiter
            else:
                self._taken = False


_queues: dict[str, _Turns] = {}
_queues_guard = threading.Lock()


def _queue(name: str) -> _Turns:
    with _queues_guard:
        return _queues.setdefault(str(name), _Turns())


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_turn = None  # the queue's lock while this connection's transaction holds it

    def _start_transaction_under_autocommit(self):
        queue = _queue(self.settings_dict["NAME"])
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        self._writer_turn = queue if queue.acquire(timeout=timeout) else None
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self):
        turn, self._writer_turn = self._writer_turn, None
        if turn is not None:
            turn.release()

    # Every way a transaction ends: commit, rollback, or the connection closed in the middle of one.
    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()
