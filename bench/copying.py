"""Making the generator's model instances fast (make), and saving them in bulk (save: COPY on
PostgreSQL, bulk_create elsewhere; it lives in banli.copying, which the daily scan uses too).

    save([(Item, items), (Reply, replies)], bulk=1000)
"""

from __future__ import annotations

from banli.copying import save  # noqa: F401 - re-exported: the generator's modules import it from here


# ---------------------------------------------------------------------------------------------
# Making the instances


class _Maker:
    """Builds a model's instances as Model(**kwargs) would for the fields the planner passes:
    defaults filled in, a related instance given by field name cached and its id copied (even
    when it has none yet: save() sets it). Without Model.__init__'s walk over
    every field through descriptors, a fifth of its time: the planner makes ~40 instances an
    item, and __init__ was the generator's largest cost after bulk_create."""

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
