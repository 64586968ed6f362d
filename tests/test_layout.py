"""The package's layout: modules live in packages named for what they serve, and release/ uses only the
engine's public interface (``masthead.engine`` itself), never the modules behind it."""

from __future__ import annotations

import ast
from pathlib import Path

import masthead
import masthead.engine as engine

PACKAGE = Path(masthead.__file__).resolve().parent
# The only modules at the top level: the library's face (load, cite), the CLI entry, and what every
# package shares (typed errors, settings, the schemas), plus the build that ties the packages together.
TOP_LEVEL = {"__init__.py", "__main__.py", "errors.py", "settings.py", "schema.py", "build.py"}


def _engine_interface() -> set[str]:
    """``masthead.engine.__all__`` and the types it re-exports for annotations (``import X as X``)."""
    tree = ast.parse((PACKAGE / "engine" / "__init__.py").read_text(encoding="utf-8"))
    types = {alias.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             for alias in node.names if alias.asname is not None and alias.asname == alias.name}
    return set(engine.__all__) | types


def _engine_imports(path: Path) -> list[tuple[str, str | None]]:
    """Every ``(module, name)`` a file imports from masthead.engine (name None for ``import module``)."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[:2] == ["masthead", "engine"]:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.split(".")[:2] == ["masthead", "engine"]]
    return found


def test_release_uses_only_the_engine_interface() -> None:
    interface = _engine_interface()
    assert {"state_dir", "code_digest", "DocumentSet"} <= interface
    used: set[str] = set()
    for path in sorted((PACKAGE / "release").rglob("*.py")):
        for module, name in _engine_imports(path):
            assert module == "masthead.engine", f"{path.name} imports {module}: use masthead.engine's interface"
            assert name in interface, f"{path.name} imports {name} from masthead.engine: not in its interface"
            used.add(name)
    assert used, "release/ imports nothing from the engine: the scan found no imports at all"


def test_the_check_catches_an_engine_internal(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from masthead.engine.cache import state_dir\n    import masthead.engine.documents\n")
    assert _engine_imports(source) == [("masthead.engine.cache", "state_dir"), ("masthead.engine.documents", None)]


def test_the_interface_names_exist() -> None:
    for name in engine.__all__:
        assert callable(getattr(engine, name)), name


def test_no_loose_modules_at_the_top_level() -> None:
    loose = {path.name for path in PACKAGE.glob("*.py")}
    assert loose == TOP_LEVEL


def test_every_package_says_what_lives_there() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.parent.name}/__init__.py has no docstring"
