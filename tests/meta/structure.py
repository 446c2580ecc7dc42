#!/usr/bin/env python3
"""The shape of the code (issue 16's "done when"), checked on every test run.

usage: structure.py SOURCE_ROOT BUILD_ROOT

1. No function in src/ is longer than 80 lines (from its opening brace to its
   closing one), except a function whose body is mostly string literals
   (a --help text). Functions are found as this project writes them: the
   name at the start of a line, the braces alone at the start of their lines.
2. No two files of src/ call each other in a loop: the graph of which object
   file uses a symbol another defines (nm on the build's objects) has no
   cycle.
3. Each header of src/ declares functions of one module: everything it
   declares is defined in one object file, unless every function it
   declares has the same signature (one interface that several modules
   implement: the CLI's commands, as git's builtin.h). include/endorse.h,
   the public API of the whole library, is not such a header.
Prints every finding and exits 1 if there is one.
"""
import glob
import os
import re
import subprocess
import sys

LIMIT = 80


def functions(path):
    """(name, first line, length) of each function definition in path."""
    lines = open(path, encoding="utf-8").read().split("\n")
    found, start, name = [], None, None
    for i, line in enumerate(lines):
        if line.startswith("{") and start is None:
            sig = ""
            for j in range(i - 1, max(i - 6, -1), -1):
                sig = lines[j] + " " + sig
                if re.match(r"^[A-Za-z_(]", lines[j]):
                    break
            m = re.search(r"\(?(\w+)\)?\s*\(", sig)
            if m and "=" not in sig.split("(")[0]:
                start, name = i, m.group(1)
        elif line.startswith("}") and start is not None:
            body = lines[start + 1:i]
            strings = sum(1 for b in body if b.strip().startswith('"'))
            found.append((name, start + 1, i - start + 1, strings * 2 > len(body)))
            start = None
    return found


def symbols(build):
    """{object: (defined, undefined)} for the objects of the library and the CLI."""
    objects = {}
    archives = glob.glob(os.path.join(build, "*.a"))
    loose = glob.glob(os.path.join(build, "endorse.p", "*.o"))
    for path in archives + loose:
        out = subprocess.run(["nm", "-A", path], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            # archive:member.o:[addr] TYPE name   or   file.o:[addr] TYPE name
            fields = line.split(":", 2 if path.endswith(".a") else 1)
            obj, rest = os.path.basename(fields[-2]), fields[-1].split()
            if len(rest) < 2:
                continue
            kind, sym = rest[-2], rest[-1]
            defined, undefined = objects.setdefault(obj, (set(), set()))
            if kind == "U":
                undefined.add(sym)
            elif kind in "TDBR":
                defined.add(sym)
    return objects


def module_of(obj):
    """src_lib_state.c.o -> state.c"""
    return re.sub(r"^src_(lib|cli)_", "", obj).removesuffix(".o")


def cycles(objects):
    """The groups of files that call each other (strongly connected
    components of the file call graph with more than one file)."""
    owner = {}
    for obj, (defined, _) in objects.items():
        for sym in defined:
            owner[sym] = obj
    edges = {obj: sorted({owner[sym] for sym in u if sym in owner and owner[sym] != obj})
             for obj, (_, u) in objects.items()}
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(n):  # Tarjan's algorithm
        index[n] = low[n] = len(index)
        stack.append(n)
        on_stack.add(n)
        for m in edges[n]:
            if m not in index:
                visit(m)
                low[n] = min(low[n], low[m])
            elif m in on_stack:
                low[n] = min(low[n], index[m])
        if low[n] == index[n]:
            group = []
            while True:
                m = stack.pop()
                on_stack.discard(m)
                group.append(m)
                if m == n:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10000)
    for n in sorted(edges):
        if n not in index:
            visit(n)
    return groups


def header_modules(source, objects):
    owner = {}
    for obj, (defined, _) in objects.items():
        for s in defined:
            owner[s] = module_of(obj)
    problems = []
    for h in sorted(glob.glob(os.path.join(source, "src", "*", "*.h"))):
        text = re.sub(r"/\*.*?\*/", "", open(h, encoding="utf-8").read(), flags=re.S)
        decls = {m.group(2): re.sub(r"\s+", " ", m.group(1) + "(" + m.group(3))
                 for m in re.finditer(r"^([A-Za-z_][\w \*]*?)\b(\w+)\s*\(([^;{]*\))\s*"
                                      r"(?:\w+\([^)]*\)\s*)*;", text, flags=re.M)}
        modules = sorted({owner[n] for n in decls if n in owner})
        # One interface that several modules implement (the CLI's commands,
        # cmd_NAME(argc, argv), as git's builtin.h): the same signature.
        if len(set(decls.values())) == 1:
            continue
        if len(modules) > 1:
            problems.append(f"{os.path.relpath(h, source)}: declares functions of "
                            f"{len(modules)} modules: {', '.join(modules)}")
    return problems


def main():
    source, build = sys.argv[1], sys.argv[2]
    problems = []
    for path in sorted(glob.glob(os.path.join(source, "src", "*", "*.c"))):
        for name, line, length, text in functions(path):
            if length > LIMIT and not text:
                problems.append(f"{os.path.relpath(path, source)}:{line}: {name} is "
                                f"{length} lines (at most {LIMIT})")
    objects = symbols(build)
    if not objects:
        print(f"structure.py: no objects under {build}", file=sys.stderr)
        return 2
    for group in cycles(objects):
        problems.append("files that call each other in a loop: " +
                        ", ".join(module_of(o) for o in group))
    problems += header_modules(source, objects)
    for p in problems:
        print(p)
    print(f"structure: {len(problems)} findings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
