"""The commands and options of endorse, read from the built binary's --help
and from the man page sources, the one way the tests compare them
(tests/meta/man.py, tests/meta/completion.sh)."""
import re
import subprocess

# an option: -X or --word, not inside a word (a-z 0-9 -, --werror-like
# prose is not printed by any --help)
OPTION = re.compile(r'(?:^|[\s\[(|,*\'`])(--[a-z][a-z0-9-]*|-[A-Za-z](?![A-Za-z0-9-]))')
# a definition line: an option first, indented (the option lists of --help)
DEFINITION = re.compile(r'^ {2,8}(-\S.*?)(?: {2,}|$)')


def run_help(exe, *args):
    out = subprocess.run([exe, *args, '--help'], capture_output=True, text=True,
                         timeout=30, check=False)
    return out.stdout + out.stderr


def commands(exe):
    """The commands `endorse --help` lists, in its order."""
    return re.findall(r'^  ([a-z][a-z-]*)  ', run_help(exe), re.M)


def help_options(text):
    """The options a command's --help offers: those of its usage lines and
    those that begin a line of its option list (not those its prose names,
    e.g. 'endorse audit --org ORG' in revoke's help)."""
    found = set()
    lines = text.split('\n')
    i = 0
    while i < len(lines) and lines[i].strip():
        found.update(OPTION.findall(lines[i]))
        i += 1
    for line in lines[i:]:
        m = DEFINITION.match(line)
        if m:
            found.update(OPTION.findall(m.group(1).split(':')[0] if ': ' in m.group(1) else m.group(1)))
    return found


def page_options(source, synopsis=True):
    """The options a man page source documents: those of the *terms* that
    open its definitions and, unless synopsis is False, of its SYNOPSIS."""
    found = set()
    section = None
    for line in source.split('\n'):
        if line.startswith('# '):
            section = line[2:].strip()
            continue
        if (synopsis and section == 'SYNOPSIS') or re.match(r'^\*-.*\*$', line):
            found.update(OPTION.findall(line))
    return found
