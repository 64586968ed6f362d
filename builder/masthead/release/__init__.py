"""Writing and reading releases: dist/<corpus>/<version>/ and everything in it.

``release`` reads documents and writes artifacts; it never cleans or normalises.
"""
