"""Saving model instances in bulk: by COPY on PostgreSQL, by bulk_create elsewhere. Used where
thousands of rows are written at once: the daily scan's reminders and notifications
(banli.deadlines.scan, banli.notify.service.notify_many) and the benchmark's generator (bench/).

On PostgreSQL bulk_create spends most of such a write in Python (compiling each INSERT field by
field, then psycopg quoting the UNNEST arrays value by value): the generator made ~190 items/s,
and the scan over a 1M-item history spent two thirds of its 20 s writing 140,000 notifications.
COPY takes the rows as they stand: the ids are drawn from each table's sequence first (one query for
every table of a call), in the order of the lists, so rows that point at each other within a batch
get the very ids bulk_create would have given them, without RETURNING. The rows go in binary
(psycopg dumps each value by its column's type: no text for the server to parse, a third less Python
than text). After save() every instance has its pk and its foreign key ids set, on either database,
as after bulk_create.

    save([(Item, items), (Reply, replies)], bulk=1000)
    make(Notification, recipient_id=1, kind="urge", ...)   # Model(**kwargs), faster
"""

from __future__ import annotations

from operator import itemgetter

from django.db import connection, models

# Fields whose value on the instance is what the column takes, as psycopg adapts it: Django's
# get_db_prep_save returns these values unchanged on PostgreSQL (TextChoices members are str), or
# (JSONField without an encoder) wrapped for psycopg to dump with json.dumps, as its jsonb dumper
# does by itself. Others (FileField) go through the field.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DateField, models.ForeignKey)


def _as_is(field) -> bool:
    return isinstance(field, _AS_IS) or (isinstance(field, models.JSONField) and field.encoder is None)


class _Table:
    """A model's COPY statement and how to read its rows off instances."""

    def __init__(self, model):
        meta = model._meta
        fields = meta.concrete_fields
        qn = connection.ops.quote_name
        self.model = model
        self.pk = meta.pk.attname
        self.copy_sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN (FORMAT BINARY)"
        self.get = itemgetter(*(f.attname for f in fields))
        self.fields = fields
        self.fks = {f.name: f.attname for f in fields if f.is_relation}
        self.prep = [(i, f) for i, f in enumerate(fields) if not _as_is(f)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            self.sequence = cursor.fetchone()[0]
            cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                           [meta.db_table])
            oids = dict(cursor.fetchall())
        self.types = [oids[f.column] for f in fields]  # for the binary COPY: each column's type

    def rows(self, objs):
        get, prep = self.get, self.prep
        # Stamped with "now" as bulk_create would (pre_save), unless bench.writing's
        # historical_timestamps has switched that off: asked on each call, not once.
        stamped = [(i, f) for i, f in enumerate(self.fields) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        for obj in objs:
            row = get(obj.__dict__)
            if prep or stamped:
                row = list(row)
                for i, f in stamped:
                    row[i] = f.pre_save(obj, True)
                for i, f in prep:
                    row[i] = f.get_db_prep_save(row[i], connection)
            yield row


_tables: dict = {}


def _table(model) -> _Table:
    # Keyed by connection too: a test database or a new connection may name another sequence.
    key = (model, connection.settings_dict["NAME"])
    if key not in _tables:
        _tables[key] = _Table(model)
    return _tables[key]


def _settle(objs, fks, alias) -> None:
    """Make the instances as bulk_create leaves them, in one pass: each foreign key id set from
    the instance it was given (the planner links rows to instances that had no id yet; fks:
    {field name: attname}), marked saved; then _forget_relations' rule."""
    for obj in objs:
        state = obj._state
        cache = state.fields_cache
        if cache:
            d = obj.__dict__
            for name, rel in cache.items():
                attname = fks.get(name)  # else a reverse one-to-one's cache
                if attname is not None and rel is not None and d[attname] is None:
                    pk = rel.__dict__[rel._meta.pk.attname]
                    if pk is None:
                        raise ValueError(f"{type(obj).__name__}.{name}: the related {type(rel).__name__} has no id yet")
                    d[attname] = pk
            state.fields_cache = {}
        state.adding, state.db = False, alias


def _allocate(tables) -> None:
    """Draw ids for the instances without one, one query for all the tables, ascending in list order."""
    parts, params, wanting = [], [], []
    for t, objs in tables:
        todo = [o for o in objs if o.__dict__[t.pk] is None]
        if todo:
            parts.append(f"SELECT {len(wanting)}, nextval(%s) FROM generate_series(1, {len(todo)})")
            params.append(t.sequence)
            wanting.append((t, todo))
    if not parts:
        return
    got = [[] for _ in wanting]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for k, pk in cursor.fetchall():
            got[k].append(pk)
    for (t, todo), ids in zip(wanting, got):
        for obj, pk in zip(todo, sorted(ids)):
            obj.__dict__[t.pk] = pk


def save(groups, bulk: int) -> int:
    """Insert each (model, instances) in order; returns the number of rows."""
    groups = [(model, objs) for model, objs in groups if objs]
    if connection.vendor != "postgresql":
        for model, objs in groups:
            model.objects.bulk_create(objs, batch_size=bulk)
        _forget_relations(groups)
        return sum(len(objs) for _, objs in groups)
    tables = [(_table(model), objs) for model, objs in groups]
    _allocate(tables)
    alias = connection.alias
    for t, objs in tables:  # every id is drawn: a row may point into a later group
        _settle(objs, t.fks, alias)
    with connection.cursor() as cursor:
        for t, objs in tables:
            with cursor.copy(t.copy_sql) as copy:
                copy.set_types(t.types)
                for row in t.rows(objs):
                    copy.write_row(row)
    return sum(len(objs) for _, objs in groups)


def _forget_relations(groups) -> None:
    """Saved, the instances let go of the instances they were given for their foreign keys (the
    ids are set now) and of the reverse one-to-one caches make() and Django set (a reply and its
    feedback, a deadline and its overdue event): a written batch then holds no reference cycle
    and is freed as soon as it is dropped, instead of waiting for the cycle collector to walk it
    (bench.writing.collect_per_batch)."""
    for _, objs in groups:
        for obj in objs:
            obj._state.fields_cache = {}


# ---------------------------------------------------------------------------------------------
# Making the instances


class _Maker:
    """Builds a model's instances as Model(**kwargs) would for the fields given:
    defaults filled in, a related instance given by field name cached and its id copied (even
    when it has none yet: save() sets it). Without Model.__init__'s walk over
    every field through descriptors, a fifth of its time: the generator's planner makes ~40
    instances an item, and __init__ was its largest cost after bulk_create; the daily scan makes
    ~200,000 reminder, notification and outbox rows over a 1M-item history."""

    def __init__(self, model):
        from django.db.models import signals
        from django.db.models.base import ModelState

        self.model, self.state = model, ModelState
        self.constant, self.calls, self.related = {}, [], {}
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.calls.append((f.attname, f.default))
            else:
                self.constant[f.attname] = f.get_default()
            if f.is_relation:
                # (attname, the related field's attname, the reverse one-to-one's cache name or None)
                self.related[f.name] = (f.attname, f.target_field.attname, None if f.remote_field.multiple else f.remote_field.cache_name)
        self.names = set(self.constant) | {a for a, _ in self.calls} | set(self.related)
        self.plans = {}  # the kwargs' names -> _plan's answer (a call site passes the same names each time)
        # What this fast path does not do: signal receivers, database defaults. Such a model is
        # made by its own __init__.
        self.plain = (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
                      or any(f.has_db_default() for f in model._meta.concrete_fields))

    def _plan(self, names):
        """For a call with these keyword names: the defaults to call (those not given) and the
        related fields given, as (name, attname, target attname, reverse cache name)."""
        unknown = set(names) - self.names
        if unknown:
            raise TypeError(f"{self.model.__name__}() got unexpected keyword arguments {sorted(unknown)}")
        return [(a, f) for a, f in self.calls if a not in names], [(n, *self.related[n]) for n in names if n in self.related]

    def __call__(self, kwargs):
        model = self.model
        if self.plain:
            return model(**kwargs)
        names = tuple(kwargs)
        plan = self.plans.get(names)
        if plan is None:
            plan = self.plans[names] = self._plan(names)
        calls, related = plan
        d = self.constant.copy()
        for attname, default in calls:
            d[attname] = default()
        d.update(kwargs)
        d["_state"] = state = self.state()
        state.fields_cache = cache = {}
        obj = model.__new__(model)
        obj.__dict__ = d
        for name, attname, target, reverse in related:
            v = cache[name] = d.pop(name)
            if v is None:
                d[attname] = None
            else:
                d[attname] = v.__dict__[target]
                if reverse:
                    v._state.fields_cache[reverse] = obj
        return obj


_makers: dict = {}


def make(model, **kwargs):
    """model(**kwargs), faster (see _Maker)."""
    maker = _makers.get(model)
    if maker is None:
        maker = _makers[model] = _Maker(model)
    return maker(kwargs)
