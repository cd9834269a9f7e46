"""How the package behaves as installed: what `import landscapelab` loads, and a read-only install (no writable
Numba cache location anywhere) that must still import and compute."""

import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(code, env=None, cwd=None):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd)


def test_import_loads_no_scipy_no_numba_no_matplotlib():
    """The import cost is NumPy and autograd; SciPy (curvature), Numba (kernels) and matplotlib (demos) load on
    first use of what needs them."""
    out = run("import sys, landscapelab as ll; print(sorted(m for m in ('scipy', 'numba', 'matplotlib', 'jax') "
              "if m in sys.modules))")
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
    out = run("import sys, landscapelab as ll; ll.eigenvalues; print('scipy' in sys.modules)")
    assert out.stdout.strip() == "True"


def test_read_only_install_falls_back_to_in_memory_compilation(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "landscapelab", site / "landscapelab", ignore=shutil.ignore_patterns("__pycache__"))
    for package in [p for p in (site / "landscapelab").rglob("*") if p.is_dir()] + [site / "landscapelab"]:
        (package / "__pycache__").write_text("a file where the cache folder would go: nothing can be written here")
    env = dict(os.environ, PYTHONPATH=str(site), HOME="/dev/null", NUMBA_CACHE_DIR="/dev/null/numba",
               PYTHONDONTWRITEBYTECODE="1", XDG_CACHE_HOME="/dev/null")
    code = ("import numpy as np, landscapelab as ll, landscapelab.kernels as K; "
            f"assert ll.kernels.__file__.startswith({str(site)!r}); "
            "print(K.det(np.array([[2.0, 1.0], [1.0, 3.0]])), K.qi_intervals(np.eye(3))[1].sum())")
    out = run(code, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5.0", "3.0"]
