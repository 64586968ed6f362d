"""Writing and reading releases: dist/<corpus>/<version>/ and everything in it.

``release`` reads documents and writes artifacts; it never cleans or normalises. It uses the engine only
through :mod:`masthead.engine`'s public interface. ``report`` holds what a build or validation did.
"""
