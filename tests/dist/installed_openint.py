"""pytest plugin for tests/dist/run.sh: the Python suite must exercise the installed wheel, so
the run stops at once if `openint` or its library would come from anywhere but the venv."""

import sys


def pytest_sessionstart(session):
    import openint

    for what, path in (("the package", openint.__file__), ("its library", openint.library_path())):
        if not str(path).startswith(sys.prefix):
            raise SystemExit(f"{what} comes from {path}, not from the venv at {sys.prefix}")
    print(f"openint {openint.__version__} from {openint.library_path()}")
