"""The public pages' cache, cleared by exactly what a publication affects.

Each cached answer is stored under a key that includes the generation of everything it shows: an
item page depends on that item, a unit page on that unit, a category's feed on that category, and
the lists, feeds, open data and sitemap on the list of publications. Publishing or revoking an
item's reply moves on the generations of the item, its units, its category and the list (after
the decision commits), so that exactly those answers are never served again, in every app process
sharing the cache (Redis in production, settings.CACHES), while the rest stay cached.

Nothing of a signed-in reader is cached or varied on: the public pages show the same to everyone."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from banli.errors import BanliError

LISTS = "lists"
# The names every public page shows (units, categories, sessions, people): banli.portal.reference.
REFERENCE = "reference"
TIMEOUT = 60 * 60  # an hour: the generations already make a stale answer unreachable


def _cache():
    return caches["default"]


def _gen_key(dep: str) -> str:
    return f"portal:gen:{dep}"


def generations(deps: list[str]) -> list[int]:
    found = _cache().get_many([_gen_key(d) for d in deps])
    return [found.get(_gen_key(d), 0) for d in deps]


def bump(deps: list[str]) -> None:
    c = _cache()
    for dep in deps:
        key = _gen_key(dep)
        c.add(key, 0, None)  # kept for good: a generation must never go back
        try:
            c.incr(key)
        except ValueError:  # evicted between add and incr
            c.set(key, 1, None)


def publication_changed(item_id: int, unit_ids: list[int], category_ids: list) -> None:
    """Called by the publication actions: after the commit, what the item's publication shows is
    no longer served from the cache."""
    deps = [f"item:{item_id}", LISTS, *(f"unit:{u}" for u in unit_ids), *(f"category:{c}" for c in category_ids if c)]
    transaction.on_commit(lambda: bump(deps))


def public(view):
    """Every public answer: in Chinese (the site's language, whatever the browser asks), and a
    refusal (an unknown or unpublished item, a bad filter) as the public site's own page, which
    says nothing more than the message."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                return view(request, *args, **kwargs)
            except BanliError as e:
                return render(request, "portal/error.html", {"message": e.zh}, status=e.status)
    return wrapper


def cached(deps_of):
    """A view decorator: the answer to a GET, cached under its path, query, language and the
    generations of deps_of(request, **kwargs). Only complete successful answers are stored."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET":
                return view(request, *args, **kwargs)
            deps = [*deps_of(request, *args, **kwargs), REFERENCE]
            marks = ",".join(f"{d}={g}" for d, g in zip(deps, generations(deps)))
            raw = f"{request.get_full_path()}|{translation.get_language()}|{marks}"
            key = "portal:page:" + hashlib.sha256(raw.encode()).hexdigest()
            hit = _cache().get(key)
            if hit is not None:
                body, content_type, headers = hit
                response = HttpResponse(body, content_type=content_type)
                for name, value in headers:
                    response[name] = value
                response["X-Portal-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse (the sitemap's): its content is stored
            if response.status_code == 200 and not response.streaming and not response.cookies:
                headers = [(n, response[n]) for n in ("Content-Disposition", "Content-Language") if response.has_header(n)]
                _cache().set(key, (response.content, response["Content-Type"], headers), TIMEOUT)
            return response
        return wrapper
    return decorate
