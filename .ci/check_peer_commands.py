#!/usr/bin/env python3
"""Every peer script answers --help, and every `benches/peers/run NAME ARGS`
command written in docs/*.md and benches/README.md parses (`--check-args`).

Runs with the system python3: the scripts parse their arguments before they
import any peer library, so this needs no virtualenv. Exits 1 on the first
broken command, printing it.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PEERS = os.path.join(ROOT, "benches", "peers")


def run(args):
    r = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    return r.returncode, (r.stdout + r.stderr).strip()


def main():
    bad = 0
    scripts = sorted(p for p in glob.glob(os.path.join(PEERS, "*.py")) if not p.endswith("harness.py"))
    for s in scripts:
        code, out = run([s, "--help"])
        if code != 0:
            bad += 1
            print(f"FAIL {os.path.relpath(s, ROOT)} --help:\n{out[-800:]}")
    docs = glob.glob(os.path.join(ROOT, "docs", "*.md")) + [os.path.join(ROOT, "benches", "README.md"), os.path.join(ROOT, "README.md")]
    commands = set()
    for d in docs:
        for line in open(d, encoding="utf-8"):
            for m in re.finditer(r"benches/peers/run ([^`|\n]*)", line):
                cmd = m.group(1).split("#")[0].strip()
                if cmd and not cmd.startswith("NAME") and not cmd.startswith("--list"):
                    commands.add((os.path.relpath(d, ROOT), cmd))
    for doc, cmd in sorted(commands):
        words = shlex.split(cmd)
        script = os.path.join(PEERS, words[0] + ".py")
        if not os.path.exists(script):
            bad += 1
            print(f"FAIL {doc}: `benches/peers/run {cmd}` names no script")
            continue
        code, out = run([script, *words[1:], "--check-args"])
        if code != 0:
            bad += 1
            print(f"FAIL {doc}: `benches/peers/run {cmd}`:\n{out[-800:]}")
    if bad:
        sys.exit(1)
    print(f"ok: {len(scripts)} peer scripts answer --help; {len(commands)} documented commands parse")


if __name__ == "__main__":
    main()
