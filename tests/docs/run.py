#!/usr/bin/env python3
"""run.py DOC SOURCE_ROOT: run every command example of one document with
the endorse named by $ENDORSE, and compare what it prints with what the
document shows.

The conventions (docs/development.md, "Examples are tests"):

- A fenced block ```console holds commands, each on a line starting with
  "$ " (a line ending in a backslash continues it), each followed by the
  output it prints (standard output and standard error, as a terminal shows
  them). Its exit status is not checked: the output says it.
- A fenced block ```sh holds commands without their output: each must exit 0.
- Any other fenced block is text (a file, a format), never run; a block of
  another kind whose lines start with "$ " is an error: mark it console.
- <!-- docs-test: skip REASON --> before a block: not run, for a reason
  (it needs the network, GitHub, a person).
- <!-- docs-test: run ... --> holds commands run at that point, unseen by a
  reader of the rendered page, that set the scene (a log, a remote, a key
  an agent holds); each must exit 0. They may call the functions of
  tests/docs/lib.sh.

Every command runs with bash in a pseudo-terminal, in one scratch directory
per document: HOME is DIR/home (shown as /root, where the documents' runs
were made), `endorse` and `./build/endorse` are the binary under test, the
current directory and exported variables carry over from one command to the
next. Prompts for a passphrase or a PIN are answered with
$DOCS_PASSPHRASE.

Before comparing, both sides have the values that differ on every run
masked the same way (key IDs and keys, hashes, commit IDs, times); in the
document, "…" in a line stands for any text, and a line holding only "…"
for any number of lines.
"""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

PASSPHRASE = 'docs-example-passphrase'
COMMAND_SECONDS = 120
PROMPT = re.compile(rb'(?:Passphrase|Repeat the passphrase|PIN)[^\n]*: $')
FENCE = re.compile(r'^(\s*)(```|~~~)(\S*)\s*$')
DIRECTIVE = re.compile(r'^\s*<!--\s*docs-test:\s*(skip|run)\b(.*)$')

MASKS = [
    (re.compile(r'\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}'), '+KEYID+KEY'),
    (re.compile(r'SHA256:[A-Za-z0-9+/]{43}'), 'SHA256:FINGERPRINT'),
    (re.compile(r'[A-Za-z0-9+/]{40,}={0,2}'), 'BASE64'),
    (re.compile(r'\b[0-9a-f]{64}\b'), 'HASH'),
    (re.compile(r'\b[0-9a-f]{40}\b'), 'COMMIT'),
    (re.compile(r'\b[0-9a-f]{7,12}\b'), 'HEX'),
    (re.compile(r'\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z'), 'TIME'),
    (re.compile(r'\b\d{4}-\d\d-\d\d\b'), 'DATE'),
]


class Example:
    def __init__(self, line, kind, command, indent=''):
        self.line = line          # the document's line of the command
        self.kind = kind          # 'console', 'sh' or 'run'
        self.command = command
        self.indent = indent      # the block's indentation, for DOCS_UPDATE
        self.expected = []
        self.output_line = None   # the document's line after the command's


def parse(path):
    """The examples of a document, in order; exits 1 on a malformed one."""
    examples, skipped, errors = [], [], []
    lines = open(path, encoding='utf-8').read().split('\n')
    i, pending_skip = 0, None
    while i < len(lines):
        line = lines[i]
        directive = DIRECTIVE.match(line)
        if directive:
            end = i
            while '-->' not in lines[end]:
                end += 1
            body = '\n'.join(lines[i:end + 1])
            body = body[body.index(directive.group(1)) + len(directive.group(1)):body.rindex('-->')]
            if directive.group(1) == 'skip':
                reason = body.strip()
                if not reason:
                    errors.append(f'{path}:{i + 1}: a skip needs a reason')
                pending_skip = (i + 1, reason)
            else:
                examples.append(Example(i + 1, 'run', 'set -e\n' + textwrap.dedent(body).strip('\n')))
            i = end + 1
            continue
        fence = FENCE.match(line)
        if not fence:
            i += 1
            continue
        indent, mark, kind = fence.groups()
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(mark):
            end += 1
        body = [b[len(indent):] if b.startswith(indent) else b.lstrip() for b in lines[i + 1:end]]
        if pending_skip:
            skipped.append((i + 1, pending_skip[1]))
        elif kind in ('console', 'sh'):
            examples.extend(commands(body, i + 2, kind, indent))
        elif any(b.startswith('$ ') for b in body):
            errors.append(f'{path}:{i + 1}: a block with "$ " commands must be ```console (or marked skip)')
        pending_skip = None
        i = end + 1
    return examples, skipped, errors


def commands(body, first_line, kind, indent=''):
    """Split a block into examples: commands with their expected output."""
    found, current, continued = [], None, False
    for n, text in enumerate(body):
        if continued:
            current.command += '\n' + text
            continued = text.endswith('\\')
            current.output_line = first_line + n + 1
            continue
        if kind == 'console' and not text.startswith('$ '):
            if current is None:
                if text.strip():
                    sys.exit(f'line {first_line + n}: output before any command')
                continue
            current.expected.append(text)
            continue
        command = text[2:] if kind == 'console' else text
        if kind != 'console' and (not command.strip() or command.lstrip().startswith('#')):
            continue
        current = Example(first_line + n, kind, command, indent)
        current.output_line = first_line + n + 1
        found.append(current)
        continued = command.endswith('\\')
    return found


def lines(output):
    """The output as lines, each ending in LF, without trailing empty ones."""
    output = output.rstrip('\n')
    return output + '\n' if output else ''


def mask(text):
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def matches(expected_lines, actual):
    """Whether actual (masked) is what the expected lines (masked) show."""
    pattern = ''
    for line in expected_lines:
        line = mask(line.rstrip())
        if line.strip() == '…':
            pattern += r'(?:[^\n]*\n)*?'
        else:
            pattern += r'[^\n]*?'.join(re.escape(part) for part in line.split('…')) + r'\n'
    return re.fullmatch(pattern, actual) is not None


class Session:
    """One scratch directory; commands share its working directory and
    exported variables, as one terminal would."""

    def __init__(self, endorse, source_root):
        self.dir = tempfile.mkdtemp(prefix='endorse-docs.')
        self.home = os.path.join(self.dir, 'home')
        work = os.path.join(self.dir, 'work')
        bindir = os.path.join(self.dir, 'bin')
        for d in (self.home, work, os.path.join(work, 'build'), bindir):
            os.makedirs(d)
        os.symlink(endorse, os.path.join(bindir, 'endorse'))
        os.symlink(endorse, os.path.join(work, 'build', 'endorse'))
        self.state = os.path.join(self.dir, 'state.sh')
        env = {
            'HOME': self.home, 'PATH': bindir + ':' + os.environ.get('PATH', '/usr/bin:/bin'),
            'LC_ALL': 'C.UTF-8', 'TZ': 'UTC', 'NO_COLOR': '1', 'TERM': 'dumb',
            'DOCS_DIR': self.dir, 'DOCS_SOURCE_ROOT': source_root,
            'DOCS_PASSPHRASE': PASSPHRASE, 'GIT_CONFIG_NOSYSTEM': '1',
            'PAGER': 'cat', 'GIT_PAGER': 'cat',
        }
        with open(self.state, 'w') as f:
            for name, value in env.items():
                f.write(f'export {name}={shquote(value)}\n')
            f.write(f'cd {shquote(work)}\n')
        self.lib = os.path.join(source_root, 'tests', 'docs', 'lib.sh')

    def run(self, command):
        """(exit status, output with CR LF as LF) of one command."""
        script = (f'source {shquote(self.state)}; source {shquote(self.lib)}\n'
                  f'{command}\n'
                  f'status=$?; {{ export -p; printf "cd %q\\n" "$PWD"; }} > {shquote(self.state)}.new'
                  f' && mv {shquote(self.state)}.new {shquote(self.state)}; exit $status\n')
        pid, fd = pty.fork()
        if pid == 0:
            os.execv('/bin/bash', ['bash', '--noprofile', '--norc', '-c', script])
        output, deadline = b'', time.monotonic() + COMMAND_SECONDS
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.killpg(pid, signal.SIGKILL)
                output += b'\n[docs test: killed after %d seconds]\n' % COMMAND_SECONDS
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if PROMPT.search(output.split(b'\n')[-1]):
                os.write(fd, PASSPHRASE.encode() + b'\n')
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        text = output.decode('utf-8', 'replace').replace('\r\n', '\n').replace('\r', '\n')
        text = text.replace(self.home, '/root')
        text = '\n'.join(line.rstrip() for line in text.split('\n'))
        return os.waitstatus_to_exitcode(status), text

    def close(self):
        subprocess.run(['bash', '-c', f'source {shquote(self.state)}; source {shquote(self.lib)}; docs_cleanup'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def update(doc, updates):
    """DOCS_UPDATE=1: the document's failing console examples get the
    output this run printed (for a person to read over before committing)."""
    lines_of = open(doc, encoding='utf-8').read().split('\n')
    for example, output in sorted(updates, key=lambda u: -u[0].output_line):
        first = example.output_line - 1
        new = [example.indent + line if line else '' for line in lines(output).split('\n')[:-1]]
        lines_of[first:first + len(example.expected)] = new
    with open(doc, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines_of))
    print(f'{doc}: {len(updates)} examples updated with this run\'s output')


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def main():
    if len(sys.argv) != 3 or not os.environ.get('ENDORSE'):
        sys.exit('usage: ENDORSE=BINARY run.py DOC SOURCE_ROOT')
    doc, root = sys.argv[1], os.path.abspath(sys.argv[2])
    endorse = os.path.abspath(os.environ['ENDORSE'])
    if os.environ.get('ENDORSE_UNDER_VALGRIND'):
        print('skipped under valgrind: the documents make and use passphrase keys, whose '
              'Argon2id takes minutes under memcheck; their commands run there in tests/e2e')
        return 77
    examples, skipped, errors = parse(doc)
    if errors:
        print('\n'.join(errors))
        return 1
    session = Session(endorse, root)
    failures, ran, skipping, updates = 0, 0, None, []
    try:
        for example in examples:
            where = f'{doc}:{example.line}'
            if skipping and example.kind != 'run':
                skipped.append((example.line, skipping))
                continue
            status, output = session.run(example.command)
            if os.environ.get('DOCS_VERBOSE'):
                print(f'--- {where} [{example.kind}] exit {status}\n$ {example.command}\n{output}')
            ran += example.kind != 'run'
            skipping, failed = None, False
            if example.kind == 'run' and status == 77:
                skipping = output.strip() or 'its scene could not be set'
            elif example.kind in ('sh', 'run') and status != 0:
                failed = True
                print(f'FAIL {where}: `{example.command}` exited {status}\n{output}')
            elif example.kind == 'console' and not matches(example.expected, mask(lines(output))):
                failed = True
                print(f'FAIL {where}: `{example.command}` printed\n{output}'
                      f'--- the document shows\n' + '\n'.join(example.expected) + '\n')
            failures += failed
            if failed and example.kind == 'console':
                updates.append((example, output))
            if failed and example.kind == 'run':
                print(f'{doc}: the scene of line {example.line} could not be set: the rest is not run')
                break
    finally:
        session.close()
    if os.environ.get('DOCS_UPDATE') and updates:
        update(doc, updates)
    for line, reason in sorted(skipped):
        print(f'not run: {doc}:{line}: {reason}')
    print(f'{doc}: {ran} commands run, {failures} failed, {len(skipped)} blocks or commands not run')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
