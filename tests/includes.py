#!/usr/bin/env python3
"""The library's include graph runs one way.

usage: includes.py SRC_LIB_DIR

Two checks over the quoted includes of src/lib (system and <authlint/...>
headers do not count):

1. No include circle between modules. A module is a .c file with the header
   of its name (dns/query is dns/query.c with dns/query.h); a header of no
   module (dns/query_internal.h) is seen through, to the modules it reaches.
   So "a.c includes b.h while b.c includes a.h" is a circle, as is a longer
   ring.
2. The layers of doc/HACKING.md: parsers (record/) depend on nothing but
   util/, sources (dns/, input/) never on checks, the SPF evaluator never on
   the lint driver, emitters never on what produces findings. Each arrow
   that must not exist is listed below with the reason.

Prints every violation with the file and line of the include; exit 1 if any.
"""
import collections
import os
import re
import sys

# directory -> the directories of src/lib it must not include from
FORBIDDEN = {
    'util': {'record', 'dns', 'input', 'spf', 'check', 'emit', 'plan', 'propagation', 'message', 'report',
             'diff', '.'},
    'record': {'dns', 'input', 'spf', 'check', 'emit', 'plan', 'propagation', 'message', 'report', 'diff'},
    'dns': {'input', 'spf', 'check', 'emit', 'plan', 'propagation', 'message', 'report', 'diff'},
    'input': {'spf', 'check', 'emit', 'plan', 'propagation', 'message', 'report', 'diff'},
    'spf': {'check', 'emit', 'plan', 'propagation', 'message', 'report', 'diff', 'input'},
    'emit': {'record', 'dns', 'input', 'spf', 'check', 'plan', 'propagation', 'message', 'report', 'diff'},
}
WHY = {
    'util': 'util/ is the bottom layer',
    'record': 'the record parsers are pure: they depend on util/ only',
    'dns': 'sources (zone files, live DNS) never depend on what reads them',
    'input': 'zone data readers are sources: they never depend on checks or outputs',
    'spf': 'the SPF evaluator never depends on the lint driver or the outputs',
    'emit': 'emitters depend on the findings they write, not on what produces them',
}

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]+"([^"]+)"', re.M)


def main():
    lib = sys.argv[1]
    files = {}
    for d, _, names in os.walk(lib):
        for n in names:
            if n.endswith(('.c', '.h')):
                rel = os.path.relpath(os.path.join(d, n), lib)
                with open(os.path.join(d, n), encoding='utf-8', errors='replace') as fh:
                    files[rel] = fh.read()

    def resolve(inc, frm):
        for cand in (inc, os.path.normpath(os.path.join(os.path.dirname(frm), inc))):
            if cand in files:
                return cand
        return None

    def module(path):
        return os.path.splitext(path)[0]

    def is_module(stem):
        return stem + '.c' in files
    def layer(path):
        return path.split('/')[0] if '/' in path else '.'

    direct = collections.defaultdict(list)  # file -> [(target file, line)]
    problems = []
    for path, text in sorted(files.items()):
        for m in INCLUDE.finditer(text):
            target = resolve(m.group(1), path)
            if target is None:
                continue  # generated (embedded.h, rule_codes.h) or a system header in quotes
            line = text.count('\n', 0, m.start()) + 1
            direct[path].append((target, line))
            src, dst = layer(path), layer(target)
            if dst in FORBIDDEN.get(src, ()):
                problems.append(f'{path}:{line}: includes {target}: {WHY[src]}')

    # module arrows: from a module's files, through headers that belong to no
    # module (no .c of their name), to the modules whose headers they reach
    edges = collections.defaultdict(dict)  # module -> {module: (file, line)}
    for path in sorted(files):
        a = module(path)
        if not is_module(a):
            continue
        seen = set()
        todo = [(t, (path, line)) for t, line in direct[path]]
        while todo:
            target, where = todo.pop()
            if target in seen:
                continue
            seen.add(target)
            b = module(target)
            if is_module(b):
                if b != a:
                    edges[a].setdefault(b, where)
            else:
                todo.extend((t, where) for t, _ in direct[target])
    # Tarjan's strongly connected components, iteratively
    index, low, on, stack, circles = {}, {}, set(), [], []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    circles.append(sorted(comp))
    for comp in circles:
        members = set(comp)
        arrows = []
        for a in comp:
            for b, (path, line) in sorted(edges[a].items()):
                if b in members:
                    arrows.append(f'{path}:{line} -> {b}')
        problems.append('include circle between ' + ', '.join(comp) + ': ' + '; '.join(arrows))

    for p in problems:
        print(p)
    print(f'{len(files)} files, {sum(len(v) for v in edges.values())} module arrows, '
          f'{len(circles)} circles, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
