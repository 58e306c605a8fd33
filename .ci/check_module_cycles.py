#!/usr/bin/env python3
"""Fails when the modules of any workspace crate import each other in a cycle.

For every crate under crates/ (and the facade in src/), each top-level module
(a file `src/NAME.rs` or a folder `src/NAME/`) is a node; module A has an edge
to module B when code in A names `crate::B` (directly, or through a name that
lib.rs re-exports from B). Test-only code (`#[cfg(test)]` items to the end of a
file) is left out. Prints every cycle found and exits 1; exits 0 otherwise.
Standard library only, so CI needs nothing but python3.
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def strip_tests(text):
    m = re.search(r"^#\[cfg\(test\)\]\s*\n\s*(pub\s+)?mod\s+\w+", text, re.M)
    text = text[: m.start()] if m else text
    # drop comments so doc examples do not count
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def modules(src):
    mods = {}
    for entry in sorted(os.listdir(src)):
        path = os.path.join(src, entry)
        if entry.endswith(".rs") and entry not in ("lib.rs", "main.rs"):
            mods[entry[:-3]] = [path]
        elif os.path.isdir(path) and entry != "bin":
            files = []
            for d, _, fs in os.walk(path):
                files += [os.path.join(d, f) for f in fs if f.endswith(".rs")]
            mod_file = path + ".rs"
            mods[entry] = sorted(files) + ([mod_file] if os.path.exists(mod_file) else [])
    return mods


def reexports(lib_text, mods):
    """name -> module for `pub use module::{a, b}` / `pub use module::a` in lib.rs."""
    names = {}
    for m in re.finditer(r"pub\s+use\s+(?:self::|crate::)?(\w+)::(\{[^}]*\}|[\w:]+)\s*;", lib_text, re.S):
        mod, items = m.group(1), m.group(2)
        if mod not in mods:
            continue
        for item in re.findall(r"\b(\w+)\b(?:\s+as\s+(\w+))?", items.strip("{}")):
            name = item[1] or item[0]
            names.setdefault(name, mod)
    return names


def crate_edges(src):
    mods = modules(src)
    lib = os.path.join(src, "lib.rs")
    names = reexports(open(lib).read(), mods) if os.path.exists(lib) else {}
    edges = {m: set() for m in mods}
    for mod, files in mods.items():
        for f in files:
            text = strip_tests(open(f).read())
            # `use crate::{a, b::c}` groups
            for grp in re.findall(r"\bcrate::\{([^}]*)\}", text, re.S):
                for first in re.findall(r"(?:^|,)\s*(\w+)", grp):
                    target = first if first in mods else names.get(first)
                    if target and target != mod:
                        edges[mod].add(target)
            for first in re.findall(r"\bcrate::(\w+)", text):
                target = first if first in mods else names.get(first)
                if target and target != mod:
                    edges[mod].add(target)
    return edges


def cycles(edges):
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def main():
    srcs = [os.path.join(ROOT, "src")]
    crates = os.path.join(ROOT, "crates")
    srcs += [os.path.join(crates, c, "src") for c in sorted(os.listdir(crates)) if os.path.isdir(os.path.join(crates, c, "src"))]
    bad = 0
    for src in srcs:
        for cyc in cycles(crate_edges(src)):
            bad += 1
            print(f"{os.path.relpath(src, ROOT)}: module cycle {' -> '.join(cyc)}")
    if bad:
        sys.exit(1)
    print(f"no module import cycles in {len(srcs)} crates")


if __name__ == "__main__":
    main()
