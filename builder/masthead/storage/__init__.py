"""Where a build's folders live: a local path, or an fsspec URL (``s3://``, ``gs://``, ``file://``).

The one place that asks whether a path is local. A remote raw folder is mirrored into a local
staging folder that the readers' guarantees then apply to (listed, hashed, read as listed); a
remote dist folder gets its newest release pulled before the build and the new release pushed
after it (:mod:`masthead.storage.stage`), with the checksums file uploaded last as the commit.
"""

from masthead.storage.location import is_url, local_path, redact, scrub
from masthead.storage.remote import RemoteFile, RemoteFolder

__all__ = ["RemoteFile", "RemoteFolder", "is_url", "local_path", "redact", "scrub"]
