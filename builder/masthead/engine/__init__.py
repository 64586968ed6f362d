"""Execution engines: inputs split into shards, shards run in a process pool or on Ray, merged.

``shards`` plans the work, ``task`` is the shard function every engine runs, ``cache``
keeps shard results between builds, ``local`` and ``ray_engine`` schedule the tasks and
``merge`` runs the corpus-level stages over the shard outputs.
"""
