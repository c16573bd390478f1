"""Shared helpers for the vector scripts: where to write, and how to write exactly."""
import json
import os
import platform

import numpy
import scipy

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "test", "vectors")


def write(name, cases, **extra):
    """Write {"generator": ..., "cases": [...]} to test/vectors/<name>.json with round-trip floats."""
    doc = {
        "generator": {
            "script": f"scripts/vectors/{name.replace('-', '_')}.py",
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
        },
        **extra,
        "cases": cases,
    }
    path = os.path.join(OUT_DIR, f"{name}.json")
    with open(path, "w") as f:
        json.dump(doc, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"  wrote {os.path.relpath(path)} ({len(cases)} cases)")


def floats(a):
    return [float(x) for x in a]
