#!/usr/bin/env python3
"""Checks that every file of the core crate imports only from its own layer
or the layers below it (the order is LAYERS; `lib.rs`, the map, is exempt).

Reads `crate::...` paths outside comments and test modules, as
`../shared/tools/module_cycles.py` does. Usage: layers.py CRATE_SRC_DIR.
Prints each upward import and exits 1 if there is any."""
import os
import re
import sys

LAYERS = ["foundation", "counting", "math", "inference", "metrics", "analysis", "survey"]

src = sys.argv[1]
pat = re.compile(r"crate::((?:[a-z_0-9]+::)*[A-Za-z_0-9]+)")
grp = re.compile(r"crate::((?:[a-z_0-9]+::)*)\{([^}]*)\}", re.S)
bad = 0
for root, _, names in os.walk(src):
    for n in sorted(names):
        if not n.endswith(".rs"):
            continue
        path = os.path.join(root, n)
        rel = os.path.relpath(path, src)
        top = rel.split(os.sep)[0]
        if top == "lib.rs":
            continue
        if top not in LAYERS:
            print(f"{rel}: not in a layer folder ({', '.join(LAYERS)})")
            bad += 1
            continue
        text = open(path).read()
        text = re.sub(r"//[^\n]*", "", text)
        i = text.find("#[cfg(test)]")
        if i >= 0:
            text = text[:i]
        targets = set(m.group(1).split("::")[0] for m in pat.finditer(text))
        for g in grp.finditer(text):
            base = [x for x in g.group(1).split("::") if x]
            if base:
                targets.add(base[0])
            else:
                for item in g.group(2).split(","):
                    item = item.strip()
                    if item:
                        targets.add(item.split("::")[0])
        for t in sorted(targets):
            if t in LAYERS and LAYERS.index(t) > LAYERS.index(top):
                print(f"{rel}: imports `crate::{t}`, a layer above `{top}`")
                bad += 1
            elif t not in LAYERS:
                # A root re-export (`crate::Tally`) or another root path
                # hides which layer the item comes from.
                print(f"{rel}: imports `crate::{t}`; import it from its layer")
                bad += 1
print(f"{bad} upward or unplaced imports")
sys.exit(1 if bad else 0)
