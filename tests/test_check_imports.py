"""scripts/check_imports.py: the module dependency check passes on market/ and catches what
it is there to catch (a cycle, an undocumented deferred import closing one, an upward import)."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts/check_imports.py")
check_imports = importlib.util.module_from_spec(_spec)
sys.modules["check_imports"] = check_imports  # dataclasses look their module up
_spec.loader.exec_module(check_imports)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "market" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_market_passes():
    assert check_imports.check(ROOT) == []


def test_a_module_level_cycle_fails(tmp_path):
    root = _tree(tmp_path, {"__init__.py": "", "a.py": "from . import b\n",
                            "b.py": "from .a import x\n"})
    assert [f.splitlines()[0] for f in check_imports.check(root)] == [
        "import cycle: market.a, market.b"]


def test_a_deferred_import_breaks_a_cycle_only_where_documented(tmp_path):
    files = {"__init__.py": "", "a.py": "from . import b\n",
             "b.py": "def f():\n    from .a import x\n    return x\n"}
    failures = check_imports.check(_tree(tmp_path, files))
    assert len(failures) == 1 and "undocumented deferred import" in failures[0]
    files["b.py"] = "def f():\n    # deferred: the cycle with market.a\n    from .a import x\n"
    assert check_imports.check(_tree(tmp_path, files)) == []


def test_type_checking_imports_do_not_count(tmp_path):
    root = _tree(tmp_path, {"__init__.py": "", "a.py": "from . import b\n",
                            "b.py": "from typing import TYPE_CHECKING\n"
                                    "if TYPE_CHECKING:\n    from .a import x\n"})
    assert check_imports.check(root) == []


def test_a_service_importing_a_blueprint_package_fails(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "", "services/__init__.py": "",
        "services/pay.py": "def f():\n    from ..shop.gateway import g  # cycle: documented\n",
        "shop/__init__.py": "", "shop/gateway.py": "g = 1\n",
        "shop/views.py": "from flask import Blueprint\nbp = Blueprint('shop', __name__)\n"})
    assert check_imports.check(root) == [
        "layer: market.services.pay imports blueprint package module market.shop.gateway "
        "(line 2)"]


def test_a_blueprint_importing_another_blueprint_fails(tmp_path):
    blueprint = "from flask import Blueprint\nbp = Blueprint('{0}', __name__)\n"
    root = _tree(tmp_path, {
        "__init__.py": "", "shop/__init__.py": "", "shop/views.py": blueprint.format("shop"),
        "shop/queries.py": "q = 1\n", "api/__init__.py": "",
        "api/views.py": blueprint.format("api") + "from ..shop.queries import q\n"})
    assert check_imports.check(root) == [
        "sideways: blueprint market.api.views imports another blueprint's module "
        "market.shop.queries (line 3)"]
