"""The README's Python quick start runs as pasted (issue 7): its first ```python block, with
OPENINT_API_KEY and OPENINT_BASE_URL pointing at the local server, in a fresh interpreter."""

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def quick_start() -> str:
    text = (HERE / "README.md").read_text()
    section = text[text.index("## Quick start") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_quick_start_runs_as_pasted(scenario):
    scn = scenario(seed={"connector_configs": 1, "connections": 2})
    code = quick_start()
    assert "Openint()" in code and "OPENINT" in code
    env = {**os.environ, "OPENINT_API_KEY": scn.org_key, "OPENINT_BASE_URL": scn.base_url, "PYTHONPATH": str(HERE)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/", timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 171 + 1  # every connector, then the magic link; cus_123 has no connection
    assert lines[-1].startswith("http") and "token=" in lines[-1]
    # It did what it says: the customer exists and got a token.
    reqs = [(r["method"], r["path"].split("/v1", 1)[1]) for r in scn.requests()]
    assert ("PUT", "/customer") in reqs and ("POST", "/customer/cus_123/token") in reqs
