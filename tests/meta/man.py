#!/usr/bin/env python3
"""The man pages (docs/man) and the shell completions (completions/) against
the built binary: every command `endorse --help` lists has a page; every
option a command's --help offers is documented in its page, and every option
the page documents is one --help offers; every completion file names every
command and each command's options; every page is installed; and, when scdoc
is installed, every page renders. Usage: man.py ENDORSE SOURCE_ROOT."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import options  # noqa: E402

SKIP = 77


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def check_pages(exe, man, cmds, problems):
    for cmd in cmds:
        page = os.path.join(man, f'endorse-{cmd}.1.scd')
        if not os.path.exists(page):
            problems.append(f'{cmd}: no man page {page}')
            continue
        offered = options.help_options(options.run_help(exe, cmd))
        source = read(page)
        documented = options.page_options(source)
        for opt in sorted(offered - options.page_options(source, synopsis=False)):
            problems.append(f'{page}: {cmd} --help offers {opt}, the page does not document it')
        for opt in sorted(documented - offered):
            problems.append(f'{page}: documents {opt}, which {cmd} --help does not offer')
        if f'*endorse-{cmd}*(1)' not in read(os.path.join(man, 'endorse.1.scd')):
            problems.append(f'endorse.1.scd: no pointer to endorse-{cmd}(1)')
    top = options.help_options(options.run_help(exe))
    overview = read(os.path.join(man, 'endorse.1.scd'))
    for opt in sorted(top - options.page_options(overview, synopsis=False)):
        problems.append(f'endorse.1.scd: endorse --help offers {opt}, the page does not document it')
    for name in sorted(os.listdir(man)):
        m = re.fullmatch(r'endorse-(.*)\.1\.scd', name)
        if m and m.group(1) not in cmds:
            problems.append(f'{name}: endorse --help lists no command {m.group(1)}')


def check_installed(man, problems):
    """docs/man/meson.build installs every page there is."""
    listed = set(re.findall(r"'(endorse[a-z-]*\.[15])'", read(os.path.join(man, 'meson.build'))))
    sources = {n[:-len('.scd')] for n in os.listdir(man) if n.endswith('.scd')}
    for page in sorted(sources ^ listed):
        problems.append(f'docs/man/meson.build: {page} is a page and not listed, or listed and not a page')


def check_render(man, problems):
    scdoc = shutil.which('scdoc')
    if scdoc is None:
        print('scdoc not found: the pages are not rendered')
        return
    for name in sorted(os.listdir(man)):
        if name.endswith('.scd'):
            with open(os.path.join(man, name), 'rb') as f:
                r = subprocess.run([scdoc], stdin=f, capture_output=True, timeout=30, check=False)
            if r.returncode != 0 or not r.stdout:
                problems.append(f'{name}: scdoc fails: {r.stderr.decode(errors="replace").strip()}')


def spelled(path, opt):
    """How a completion file writes an option: fish as -l NAME / -s X."""
    if path.endswith('.fish'):
        return f'-l {opt[2:]}' if opt.startswith('--') else f'-s {opt[1:]}'
    return opt


def check_completions(exe, root, cmds, problems):
    for name in ('endorse.bash', '_endorse', 'endorse.fish'):
        path = os.path.join(root, 'completions', name)
        if not os.path.exists(path):
            problems.append(f'{path}: missing')
            continue
        lines = read(path).split('\n')
        for cmd in cmds:
            word = re.compile(r'(?<![\w-])' + re.escape(cmd) + r'(?![\w-])')
            mine = [line for line in lines if word.search(line)]
            if not mine:
                problems.append(f'{path}: names no command {cmd}')
                continue
            for opt in sorted(options.help_options(options.run_help(exe, cmd))):
                tok = re.compile(r'(?<![\w-])' + re.escape(spelled(path, opt)) + r'(?![\w-])')
                if not any(tok.search(line) for line in mine):
                    problems.append(f'{path}: no {opt} for {cmd} (on a line naming {cmd})')


def main():
    exe, root = sys.argv[1], sys.argv[2]
    if not os.access(exe, os.X_OK):
        print(f'skipped: no endorse binary at {exe} (build it first)')
        return SKIP
    man = os.path.join(root, 'docs', 'man')
    cmds = options.commands(exe)
    if len(cmds) < 10:
        print(f'endorse --help lists only {cmds}: cannot read its commands')
        return 1
    problems = []
    check_pages(exe, man, cmds, problems)
    check_installed(man, problems)
    check_render(man, problems)
    check_completions(exe, root, cmds, problems)
    for p in problems:
        print(p)
    print(f'{len(cmds)} commands, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
