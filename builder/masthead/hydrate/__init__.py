"""``masthead hydrate``: a metadata-only release back to its texts, each verified against the release.

- :mod:`masthead.hydrate.pages`: where pages come from (the web fetcher, the user's saved pages)
  and the cache that makes a rerun resume;
- :mod:`masthead.hydrate.rebuild`: a page to the document's text with the build's own cleaning,
  and the verdict (exact, near, changed, missing);
- :mod:`masthead.hydrate.run`: the whole release, written atomically to the output folder.
"""

from __future__ import annotations

from masthead.hydrate.run import Hydrated, hydrate_release

__all__ = ["Hydrated", "hydrate_release"]
