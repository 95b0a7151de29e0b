#!/usr/bin/env python3
"""Check the shape of attend's source: one-way layers, no module cycles, files that fit in the head.

    python3 scripts/check-layers.py          # exit 0 when all is well, 1 with the problems listed
    python3 scripts/check-layers.py --graph  # also print every module and what it uses

What it checks, over src/:
  * no cycle between modules (a module is a file; `mod.rs` is its folder's module). An edge A -> B
    means code in A names an item of B (`use`, or a path written inline). A parent's `pub use` of
    a child is a facade, not a dependency, and is followed through: `use super::Thing` where the
    parent re-exports `child::Thing` is an edge to `child`. Unit-test modules are left out.
  * the binary's layers: `cli/` never names `commands`; a command handler never names another
    handler (they share `commands::{common,documents,forms,output,table,xlsx}`); the library never names the
    binary and never uses clap or indicatif (UI crates belong to the binary).
  * no file over 1,000 lines, except those listed in LONG_FILES with the reason.

It reads the source as text (no compiler needed), so it stays fast enough to run before each commit.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
LIMIT = 1000
# Files allowed past LIMIT, with the reason (keep this empty if you can).
LONG_FILES: dict[str, str] = {}
UI_CRATES = ("clap", "indicatif", "comfy_table", "clap_complete", "clap_mangen", "rust_xlsxwriter")
BINARY_DIRS = ("cli", "commands")
# What command handlers may share; a handler never names another handler.
SHARED_COMMANDS = ("common", "documents", "forms", "output", "table", "xlsx")


def module_of(path: Path) -> tuple[str, tuple[str, ...]]:
    """(crate, module path) of a source file: ('lib', ('cases', 'store')), ('bin', ('cli',))."""
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts == ["lib"]:
        return "lib", ()
    if parts == ["main"]:
        return "bin", ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    crate = "bin" if parts[0] in BINARY_DIRS else "lib"
    return crate, tuple(parts)


def strip_comments_and_tests(text: str) -> str:
    """The code without comments, string contents and unit-test modules."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == '"' or (c == "r" and re.match(r'r#*"', text[i:i + 10]) and not text[i - 1:i].isalnum()):
            if c == "r":
                m = re.match(r'r(#*)"', text[i:])
                end = '"' + m.group(1)
                j = text.find(end, i + len(m.group(0)))
                i = n if j < 0 else j + len(end)
            else:
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", text[i:i + 4])
            i += len(m.group(0))
            out.append("' '")
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    # unit tests: `#[cfg(test)] mod name { ... }` blocks, matched by braces
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", code)
        if not m:
            break
        depth, j = 0, m.end() - 1
        while j < len(code):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        code = code[: m.start()] + code[j + 1:]
    return code


def use_paths(code: str) -> list[tuple[list[str], bool]]:
    """Every path a file names: (segments, is a `pub use`)."""
    found = []
    for m in re.finditer(r"(\bpub(?:\([^)]*\))?\s+)?\buse\s+([^;]+);", code):
        for p in expand_use(m.group(2).replace("\n", " ")):
            found.append((p, bool(m.group(1))))
    body = re.sub(r"\buse\s+[^;]+;", "", code)
    for m in re.finditer(r"\b((?:crate|super|self|attend)(?:\s*::\s*(?:\w+|\*))+)", body):
        segs = [s.strip() for s in m.group(1).split("::")]
        found.append((segs, False))
    return found


def expand_use(tree: str) -> list[list[str]]:
    """`a::{b, c::{d, e}}` -> [[a, b], [a, c, d], [a, c, e]]."""
    tree = tree.strip()
    m = re.match(r"^([\w:\s]*?)::\s*\{(.*)\}$", tree, re.S)
    if m:
        prefix = [s.strip() for s in m.group(1).split("::") if s.strip()]
        inner, parts, depth, cur = m.group(2), [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        parts.append(cur)
        out = []
        for p in parts:
            if p.strip():
                for sub in expand_use(p):
                    out.append(prefix + sub)
        return out
    tree = re.sub(r"\s+as\s+\w+$", "", tree)
    return [[s.strip() for s in tree.split("::") if s.strip()]]


class Tree:
    def __init__(self):
        self.files = {}  # (crate, modpath) -> Path
        self.code = {}
        self.reexports = {}  # (crate, modpath) -> {name: child modpath}; '*' globs as list
        for f in sorted(SRC.rglob("*.rs")):
            key = module_of(f)
            self.files[key] = f
            self.code[key] = strip_comments_and_tests(f.read_text(encoding="utf-8"))
        # inline `mod name { ... }` modules other than tests are rare; they stay part of their file
        for key, code in self.code.items():
            rex, globs = {}, []
            for segs, is_pub in use_paths(code):
                if not is_pub:
                    continue
                target = self.walk(key, segs)
                if target is None:
                    continue
                mod, rest = target
                if mod[1][: len(key[1])] != key[1] or mod == key:
                    continue  # only re-exports of own descendants make a facade
                if rest and rest[0] == "*":
                    globs.append(mod[1])
                elif rest:
                    rex[rest[0]] = mod[1]
                else:
                    rex[segs[-1]] = mod[1]
            self.reexports[key] = (rex, globs)

    def exists(self, crate, mod):
        return (crate, tuple(mod)) in self.files

    def walk(self, here, segs):
        """Resolve a path written in module `here` to (deepest module, remaining segments)."""
        crate, cur = here[0], list(here[1])
        segs = list(segs)
        if not segs:
            return None
        head = segs[0]
        if head == "crate":
            cur, segs = [], segs[1:]
        elif head == "attend":
            crate, cur, segs = "lib", [], segs[1:]
        elif head == "self":
            segs = segs[1:]
        elif head == "super":
            while segs and segs[0] == "super":
                if not cur:
                    return None
                cur = cur[:-1]
                segs = segs[1:]
        else:
            # a bare path: a child module of this one (`use store::x` in mod.rs), else external
            if self.exists(crate, cur + [head]):
                pass
            elif here[0] == "bin" and not here[1] and head in BINARY_DIRS:
                pass
            else:
                return None
        while segs and self.exists(crate, cur + [segs[0]]):
            cur.append(segs[0])
            segs = segs[1:]
        return (crate, tuple(cur)), segs

    def resolve(self, here, segs, depth=0):
        t = self.walk(here, segs)
        if t is None:
            return None
        mod, rest = t
        # follow a facade's re-export of the item into the child that defines it
        while rest and depth < 10:
            rex, globs = self.reexports.get(mod, ({}, []))
            if rest[0] in rex:
                mod = (mod[0], rex[rest[0]])
                depth += 1
                continue
            hit = None
            for g in globs:
                code = self.code.get((mod[0], g), "")
                if re.search(r"\b(fn|struct|enum|trait|type|const|static|mod)\s+" + re.escape(rest[0]) + r"\b", code):
                    hit = g
                    break
            if hit is not None:
                mod = (mod[0], hit)
                depth += 1
                continue
            break
        return mod

    def edges(self):
        out = {k: set() for k in self.files}
        for key, code in self.code.items():
            for segs, is_pub in use_paths(code):
                if segs and segs[0] == "attend" and key[0] == "lib":
                    continue
                target = self.resolve(key, segs)
                if target is None or target == key:
                    continue
                if is_pub and target[1][: len(key[1])] == key[1]:
                    continue  # a facade re-exporting its own child
                out[key].add(target)
        return out


def name(key):
    crate, mod = key
    return ("attend::" if crate == "lib" else "bin::") + "::".join(mod or ("<root>",))


def cycles(edges):
    index, low, stack, on, res, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                res.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return res


def main():
    tree = Tree()
    edges = tree.edges()
    problems = []
    for comp in cycles(edges):
        members = set(comp)
        detail = []
        for a in comp:
            for b in sorted(edges[a] & members):
                detail.append(f"      {name(a)} -> {name(b)}")
        problems.append("module cycle: " + ", ".join(name(c) for c in comp) + "\n" + "\n".join(detail))
    for key, targets in sorted(edges.items()):
        crate, mod = key
        if crate == "bin" and mod[:1] == ("cli",):
            for t in targets:
                if t[0] == "bin" and t[1][:1] == ("commands",):
                    problems.append(f"{tree.files[key].relative_to(ROOT)}: cli names {name(t)} (cli must not import commands)")
        if crate == "bin" and mod[:1] == ("commands",) and len(mod) >= 2 and mod[1] not in SHARED_COMMANDS:
            for t in targets:
                if (t[0] == "bin" and t[1][:1] == ("commands",) and len(t[1]) >= 2
                        and t[1][1] not in SHARED_COMMANDS and t[1][1] != mod[1]):
                    problems.append(f"{tree.files[key].relative_to(ROOT)}: the handler names {name(t)} (share it through commands::common instead)")
        if crate == "lib":
            code = tree.code[key]
            for ui in UI_CRATES:
                if re.search(r"\b" + ui + r"::", code):
                    problems.append(f"{tree.files[key].relative_to(ROOT)}: the library uses {ui} (UI crates belong to the binary)")
    for f in sorted(SRC.rglob("*.rs")):
        n = sum(1 for _ in f.open(encoding="utf-8"))
        rel = str(f.relative_to(ROOT))
        if n > LIMIT and rel not in LONG_FILES:
            problems.append(f"{rel}: {n} lines (over {LIMIT}: cut it along its seams)")
    if "--graph" in sys.argv:
        for key in sorted(edges):
            print(f"{name(key)}: " + ", ".join(sorted(name(t) for t in edges[key])))
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s)")
        return 1
    print(f"layers ok: {len(edges)} modules, {sum(len(v) for v in edges.values())} edges, no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
