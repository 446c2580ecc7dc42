#!/usr/bin/env python3
"""links.py SOURCE_ROOT: every relative link and #anchor in README.md,
SECURITY.md and docs/*.md resolves.

A link is [text](target) outside fenced code blocks and code spans. A target
with a scheme (https:, mailto:) is not followed: the test runs offline. A
relative path must name a file or directory of the source tree; an #anchor
must be a heading of the file it points into, spelled as GitHub spells
heading anchors (lowercase; punctuation other than - and _ dropped; spaces
become -; a repeated heading gets -1, -2, ...). Exit 0 when all resolve, 1
with one line per broken link otherwise.
"""
import os
import re
import sys

LINK = re.compile(r'\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+"[^"]*")?\)')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
CODE_SPAN = re.compile(r'(`+)(?:(?!\1).)+?\1')


def prose_lines(path):
    """(number, line) of the lines outside fenced code blocks."""
    fence = None
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            stripped = line.lstrip()
            if fence is None and stripped[:3] in ('```', '~~~'):
                fence = stripped[:3]
                continue
            if fence is not None:
                if stripped.startswith(fence):
                    fence = None
                continue
            yield number, line.rstrip('\n')


def slug(text):
    text = re.sub(r'<[^>]+>', '', text)
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = text.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(path, cache={}):
    if path not in cache:
        seen = {}
        found = set()
        for _, line in prose_lines(path):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else '%s-%d' % (base, n))
        for _, line in prose_lines(path):
            for name in re.findall(r'<a\s+(?:name|id)="([^"]+)"', line):
                found.add(name)
        cache[path] = found
    return cache[path]


def check(root, doc):
    problems = []
    base = os.path.dirname(doc)
    for number, line in prose_lines(doc):
        for target in LINK.findall(CODE_SPAN.sub('', line)):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(base, path)) if path else doc
            where = '%s:%d: %s' % (os.path.relpath(doc, root), number, target)
            if not os.path.realpath(dest).startswith(os.path.realpath(root)):
                problems.append(where + ': outside the source tree')
            elif not os.path.exists(dest):
                problems.append(where + ': no such file')
            elif anchor and not dest.endswith('.md'):
                problems.append(where + ': an anchor into a file that is not Markdown')
            elif anchor and anchor not in anchors(dest):
                problems.append(where + ': no heading with this anchor in ' +
                                os.path.relpath(dest, root))
    return problems


def main():
    if len(sys.argv) != 2:
        print('usage: links.py SOURCE_ROOT', file=sys.stderr)
        return 2
    root = sys.argv[1]
    docs = [os.path.join(root, 'README.md'), os.path.join(root, 'SECURITY.md')]
    docdir = os.path.join(root, 'docs')
    docs += sorted(os.path.join(docdir, n) for n in os.listdir(docdir) if n.endswith('.md'))
    problems = []
    for doc in docs:
        problems += check(root, doc)
    for p in problems:
        print(p)
    print('%d links checked in %d files: %d broken' % (
        sum(1 for d in docs for _, l in prose_lines(d) for _ in LINK.findall(CODE_SPAN.sub('', l))),
        len(docs), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
