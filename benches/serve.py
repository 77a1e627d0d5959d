#!/usr/bin/env python3
"""`surveysite serve` at scale, measured from outside like an editor's browser (issue 11).

    python3 benches/serve.py [REGIONS] [PER_REGION] [EDITS]     (default: 330 100 12)

Writes a SYNTHETIC project (examples/synth.rs: made-up respondent rows, never the example
report) with a home page and a region commentary, builds it once (the chart drawings and the
respondent counts are then kept, as on an editor's machine after the first build), starts
`serve` and prints:

- how long until the first page answers (/regions/r001/q1/);
- a commentary body edit (content/regions/r001/index.md) → the region page shows it;
- a summary edit (content/index.md's front matter) → the home page shows it;
- a data edit (one respondent's Q1 answer in data/responses.csv) → the region × question page
  shows the new count;
- resident memory (VmRSS) after each of EDITS data edits, once the rebuild's background work has
  ended (serve prints "built N files").

Figures only: nothing here is a test. Times are wall clock on a machine that may be shared:
compare them with each other, not with another day's run.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def main():
    regions = int(sys.argv[1]) if len(sys.argv) > 1 else 330
    per_region = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    work = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"surveysite-serve-{regions}")

    print("==> cargo build --release (surveysite, examples/synth)", file=sys.stderr)
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet", "--bin", "surveysite",
         "--example", "synth"], cwd=ROOT, check=True)
    binary = os.path.join(TARGET, "release", "surveysite")
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run([os.path.join(TARGET, "release", "examples", "synth"), work, str(regions),
                    str(per_region)], check=True, stdout=subprocess.DEVNULL)
    write(work, "content/index.md", "---\ntitle: 合成データ\nsummary: 要約 0\n---\n本文。\n")
    write(work, "content/regions/r001/index.md", "---\ntitle: 地域001\n---\n所見。\n")
    print("==> surveysite build (first build: drawings and counts kept)", file=sys.stderr)
    subprocess.run([binary, "build", "--root", work], check=True, stdout=subprocess.DEVNULL)

    port = free_port()
    start = time.monotonic()
    server = subprocess.Popen([binary, "serve", "--root", work, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = Log(server)
    base = f"http://127.0.0.1:{port}"
    try:
        first = wait_for(lambda: get(base + "/regions/r001/q1/") is not None, 120) - start
        row("first page answers", first)

        sentence = f"編集{time.time_ns()}。"
        append(work, "content/regions/r001/index.md", sentence)
        row("commentary body edit -> page shows it",
            timed(lambda: sentence in (get(base + "/regions/r001/") or "")))

        summary = f"要約 {time.time_ns()}"
        replace(work, "content/index.md", re.compile(r"summary: .*"), f"summary: {summary}")
        row("summary edit -> home page shows it",
            timed(lambda: summary in (get(base + "/") or "")))

        log.wait_idle()
        data_times, memory = [], []
        for i in range(edits):
            before = get(base + "/regions/r001/q1/")
            flip_answer(work, i)
            data_times.append(timed(lambda: (get(base + "/regions/r001/q1/") or before) != before))
            log.wait_idle()
            memory.append(rss_mb(server.pid))
        row("data edit -> page shows it", *data_times)
        print(f"resident memory after each of {edits} data edits (MB): "
              + " ".join(f"{m:.0f}" for m in memory))
    finally:
        server.terminate()
        server.wait(timeout=20)


class Log:
    """serve's output, read on a thread; `wait_idle` waits for the next "built N files" line
    (the background renderer has finished the whole site) or a quiet second."""

    def __init__(self, server):
        self.built = threading.Event()
        threading.Thread(target=self.read, args=(server,), daemon=True).start()

    def read(self, server):
        for line in server.stdout:
            if line.startswith("built "):
                self.built.set()

    def wait_idle(self):
        self.built.wait(timeout=120)
        self.built.clear()
        time.sleep(0.3)


def flip_answer(work, i):
    """Moves one respondent of 地域001 between 導入予定なし and 今後導入する予定がある (both have
    no Q2 answer), so the page's counts change and nothing else does."""
    path = os.path.join(work, "data/responses.csv")
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    a, b = ",導入予定なし,", ",今後導入する予定がある,"
    old, new = (a, b) if i % 2 == 0 else (b, a)
    at = next(m.start() for m in re.finditer(",地域001,[^,]*" + re.escape(old), text))
    end = text.index(old, at)
    text = text[:end] + new + text[end + len(old):]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def row(what, *seconds):
    print(f"{what}: " + ", ".join(f"{s * 1000:.0f} ms" for s in seconds))


def timed(condition):
    start = time.monotonic()
    return wait_for(condition, 120) - start


def wait_for(condition, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.01)
    raise SystemExit(f"not seen within {limit} s")


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8") if r.status == 200 else None
    except OSError:
        return None


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    return kb / 1000


def write(work, rel, text):
    path = os.path.join(work, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def append(work, rel, sentence):
    with open(os.path.join(work, rel), "a", encoding="utf-8") as f:
        f.write(f"\n{sentence}\n")


def replace(work, rel, pattern, new):
    path = os.path.join(work, rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(pattern.sub(new, text, count=1))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
