"""The generator's bulk writing: make (model instances, fast) and save (COPY on PostgreSQL,
bulk_create elsewhere) live in banli.copying, which the daily scan uses too.

    save([(Item, items), (Reply, replies)], bulk=1000)
"""

from banli.copying import make, save  # noqa: F401 - re-exported: the generator's modules import them from here
