#!/usr/bin/env python3
"""Assertions on the output of `endorse audit` for a log of hostile text.

usage: check.py FORMAT REPO OUTPUT [--since N] [--reference FILE] [--exact]
       check.py org-table|org-json REPO
       check.py dom REPO DOM --reference EXAMPLE_DOM
       check.py probe REPO DOM --width PX [--print] [--words]
       check.py probe-page PAGE OUT PROBE_JS --width PX [--print]
       check.py include REPO PAGE DATA_JSON

FORMAT is table, json, csv, markdown, html or jekyll: OUTPUT is what
`endorse audit -C REPO --format FORMAT [--since N]` printed. The expected
values come from REPO's own log, replayed here independently of endorse (the
log is known to verify). org-table and org-json run `$ENDORSE audit --org ID`
for every organisation of the log themselves. dom checks a page as Chromium
serialised it (--dump-dom); probe checks what probe.js measured in the copy
of the page that probe-page made (chromium.sh). include checks
docs/jekyll/supporters.html as Liquid rendered it over the Jekyll data file,
and the data as Psych loaded it.

Every assertion that fails is printed; the exit status is 1 if any did.

What endorse does to text before encoding it for a format (cli_safe_strdup):
every C0/C1 control, DEL, U+200B, U+200E/U+200F, U+202A..U+202E,
U+2066..U+2069 and U+061C becomes '?', in every format, JSON included. safe()
below is that rule.

GitHub Actions' workflow commands ("##[" anywhere in a line, "::" at its
start after white space) never appear in any output (no_commands). The
formats with escapes write the '#' that opens "##[" as one (JSON \u0023, HTML
&#35;, YAML \x23, Markdown \#), so their readers get safe() back exactly; the
text formats (table, CSV, --org table, YAML comments) put a U+200B inside each
"##[" and each leading "::": neutral() below, unambiguous since safe() leaves
no U+200B of the text's own.
"""
import concurrent.futures
import csv
import html.parser
import io
import json
import os
import re
import subprocess
import sys

PROBLEMS = []


def fail(msg):
    PROBLEMS.append(msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def unsafe(cp):
    return (cp < 0x20 or 0x7F <= cp < 0xA0 or cp == 0x200B or 0x200E <= cp <= 0x200F or
            0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069 or cp == 0x061C)


def safe(s):
    return "".join("?" if unsafe(ord(c)) else c for c in s)


# What the Actions runner trims before it looks for "::" at the start of a
# line: .NET's char.IsWhiteSpace.
RUNNER_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"
ZWSP = "\u200b"


def neutral(s):
    """safe(s) as the text formats show it: a U+200B inside each "##[" and
    each "::" that starts the string or follows U+2028/U+2029 (after white
    space)."""
    out, lead = [], True
    s = safe(s)
    for i, c in enumerate(s):
        out.append(c)
        if (lead and s.startswith("::", i)) or s.startswith("##[", i):
            out.append(ZWSP)
        lead = (lead and c in RUNNER_SPACE) or c in "\u2028\u2029"
    return "".join(out)


def no_commands(raw, what):
    """No line of an output is a workflow command to GitHub Actions."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    for n, line in enumerate(re.split("\r\n|\r|\n", text), 1):
        check("##[" not in line, f"{what}: line {n} holds '##[': {show(line, 200)}")
        check(not line.lstrip(RUNNER_SPACE).startswith("::"),
              f"{what}: line {n} starts with '::': {show(line, 200)}")


def show(s, n=80):
    r = repr(s)
    return r if len(r) <= n else r[:n] + "..."


# ---------------------------------------------------------------- the log


def key_id(vkey):
    return vkey.split("+", 2)[1]


class Log:
    """The log replayed: documents, endorsements, org histories."""

    def __init__(self, repo, upto=None):
        with open(os.path.join(repo, "log", "endorsements.jsonl"), encoding="utf-8") as f:
            lines = f.read().split("\n")[:-1]
        with open(os.path.join(repo, "keys", "policy"), encoding="utf-8") as f:
            self.log_vkey = [l.split(" ", 1)[1] for l in f.read().split("\n")
                             if l.startswith("log ")][0]
        self.origin = self.log_vkey.split("+", 1)[0]
        self.size = len(lines)
        self.docs = []          # dicts, in log order
        self.orgs = []          # org ids in order of first appearance
        self.current = {}       # org -> current vkey or None
        self.endorsements = {}  # (org, doc index) -> dict
        self.history = {}       # org -> [statement with seq]
        self.key_since = {}     # org -> seq of the entry that made its key current
        self.confirms = {}      # org -> [(key, method, time, seq)]
        self.newest_time = None  # the time of the newest entry
        for seq, line in enumerate(lines[:upto]):
            self.apply(seq, json.loads(line))
            self.newest_time = json.loads(line)["statement"]["time"]  # noqa

    def doc_index(self, sha):
        return [d["sha256"] for d in self.docs].index(sha)

    def apply(self, seq, entry):
        st = entry["statement"]
        t = st["type"]
        if t == "document":
            version = 1 + sum(d["id"] == st["id"] for d in self.docs)
            self.docs.append(dict(st, seq=seq, version=version))
            return
        org = st["org"]["id"] if t == "endorse" else st["org"]
        if org not in self.orgs:
            self.orgs.append(org)
        self.history.setdefault(org, []).append(dict(st, seq=seq))
        if t == "endorse":
            if self.current.get(org) != st["signer"]:
                self.key_since[org] = seq
            self.current[org] = st["signer"]
            self.endorsements[(org, self.doc_index(st["document"]))] = dict(
                org=org, name=st["org"]["name"], url=st["org"]["url"],
                key_id=key_id(st["signer"]), key=st["signer"], time=st["time"], seq=seq,
                active=True, withdrawn_seq=None, key_revoked_seq=None)
        elif t == "withdraw":
            e = self.endorsements[(org, self.doc_index(st["document"]))]
            e["active"], e["withdrawn_seq"] = False, seq
        elif t == "rotate":
            self.current[org] = st["new_signer"]
            self.key_since[org] = seq
        elif t == "confirm":
            self.confirms.setdefault(org, []).append((st["key"], st["method"], st["time"], seq))
        elif t == "revoke":
            if self.current.get(org) == st["key"]:
                self.current[org] = None
            for (o, _), e in self.endorsements.items():
                if o == org and e["key"] == st["key"]:
                    e["key_revoked_seq"] = seq

    def confirmed(self, org):
        """SPEC.md §7: the newest confirm of the current key after the entry
        that made it current ("current"), else the newest of a key held
        before ("older-key"), else {"status": "none"}."""
        cur, since = self.current.get(org), self.key_since.get(org, -1)
        confirms = self.confirms.get(org, [])
        now = [c for c in confirms if c[0] == cur and c[3] > since]
        older = [c for c in confirms if c[0] != cur]
        for status, found in (("current", now), ("older-key", older)):
            if found:
                key, method, time, seq = found[-1]
                return dict(status=status, method=method, time=time, key_id=key_id(key), seq=seq)
        return dict(status="none")

    def rows(self, d):
        """The current signatories of document d, by seq."""
        rows = [dict(e, confirmed=self.confirmed(e["org"]))
                for (o, i), e in self.endorsements.items() if i == d and e["active"]]
        return sorted(rows, key=lambda e: e["seq"])


def confirmed_text(c):
    """The DOMAIN CONFIRMED column of the table and Markdown."""
    if c["status"] == "current":
        return f"{c['method']}, {c['time'][:10]}"
    return "older key only" if c["status"] == "older-key" else "no"


def expected_view(repo, since):
    """[(document, [rows])]: signatories, or with since the changes."""
    log = Log(repo)
    view = []
    if since is None:
        for d, doc in enumerate(log.docs):
            view.append((doc, [dict(r, change=None) for r in log.rows(d)]))
        return log, view
    before = Log(repo, since)
    for d, doc in enumerate(log.docs):
        rows = []
        for (o, i), e in log.endorsements.items():
            if i != d:
                continue
            was = (o, i) in before.endorsements and before.endorsements[(o, i)]["active"]
            if e["active"] and not was:
                rows.append(dict(e, change="joined", confirmed=log.confirmed(o)))
            elif was and not e["active"]:
                rows.append(dict(e, change="withdrew", confirmed=log.confirmed(o)))
        view.append((doc, sorted(rows, key=lambda e: e["seq"])))
    return log, view


# ----------------------------------------------------- terminal text


def check_terminal_text(raw, what):
    """No escape byte, no C0 but LF, no C1, no bidirectional control."""
    check(b"\x1b" not in raw, f"{what}: byte 0x1b in the output")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"{what}: not UTF-8: {e}")
        return ""
    bad = sorted({f"U+{ord(c):04X}" for c in text if c not in "\n" + ZWSP and unsafe(ord(c))})
    check(not bad, f"{what}: unsafe characters in the output: {', '.join(bad)}")
    # a U+200B only inside a workflow command, where endorse put it
    stray = re.sub("#\u200b#\\[|:\u200b:", "", text).count(ZWSP)
    check(not stray, f"{what}: {stray} U+200B outside of '#\\u200b#[' and ':\\u200b:'")
    return text


def check_table(repo, raw, since):
    log, view = expected_view(repo, since)
    text = check_terminal_text(raw, "table")
    lines = text.split("\n")
    check(lines[0] == "Log: " + neutral(log.origin), f"table: first line {show(lines[0])}")
    for doc, rows in view:
        head = f"Document: {neutral(doc['title'])} (id {doc['id']}, version {doc['version']})"
        check(head in lines, f"table: no line {show(head)}")
        check(f"  url:        {neutral(doc['url'])}" in lines,
              f"table: document url {show(neutral(doc['url']))} not shown")
        for r in rows:
            hits = [l for l in lines if l.startswith(f"  {r['org']} ") and
                    f"  {neutral(r['name'])}  " in l and f"  {neutral(r['url'])}  " in l and
                    f"  {r['key_id']}  {r['time']}  {confirmed_text(r['confirmed']):<17}  {r['seq']}"
                    in l]
            check(hits, f"table: no row for {r['org']} with name {show(neutral(r['name']))}")
    n = sum(len(rows) for _, rows in view)
    rows_shown = [l for l in lines if re.match(r"  [a-z0-9.-]+\.[a-z]+ ", l)]
    check(len(rows_shown) == n, f"table: {len(rows_shown)} rows, expected {n}")


# ------------------------------------------------------------------ JSON


def check_json(repo, raw, since, path):
    log, view = expected_view(repo, since)
    tool = subprocess.run([sys.executable, "-m", "json.tool", path], capture_output=True)
    check(tool.returncode == 0, f"json: python3 -m json.tool fails: {tool.stderr[-300:]!r}")
    try:
        a = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        fail(f"json: not JSON: {e}")
        return
    check(raw.endswith(b"}\n") and raw.count(b"\n") == 1, "json: not one line ending in LF")
    top = ["schema", "valid", "origin", "entries", "root", "checkpoint", "documents"]
    if since is not None:
        top.insert(6, "since")
    check(list(a) == top, f"json: members {list(a)}, expected {top}")
    check(a.get("schema") == "endorse-audit/1", "json: schema")
    check(a.get("valid") is True, "json: valid is not true")
    check(a.get("origin") == safe(log.origin), f"json: origin {show(a.get('origin'))}")
    check(a.get("entries") == log.size, "json: entries")
    check(since is None or a.get("since") == since, "json: since")
    docs = a.get("documents", [])
    check(len(docs) == len(view), f"json: {len(docs)} documents, expected {len(view)}")
    member = "signatories" if since is None else "changes"
    for got, (doc, rows) in zip(docs, view):
        check(list(got) == ["id", "title", "url", "version", "sha256", "seq", "time", member],
              f"json: document members {list(got)}")
        for k in ("id", "title", "url"):
            check(got.get(k) == safe(doc[k]),
                  f"json: document {k} {show(got.get(k))}, expected {show(safe(doc[k]))}")
        check((got.get("version"), got.get("sha256"), got.get("seq"), got.get("time")) ==
              (doc["version"], doc["sha256"], doc["seq"], doc["time"]), "json: document fields")
        grows = got.get(member, [])
        check(len(grows) == len(rows), f"json: {len(grows)} {member}, expected {len(rows)}")
        for g, r in zip(grows, rows):
            keys = ["org", "name", "url", "key_id", "time", "seq", "key_revoked_seq", "confirmed"]
            if r["change"] == "joined":
                keys.insert(0, "change")
            elif r["change"] == "withdrew":
                keys[:0] = ["change", "withdrawn_seq"]
            check(list(g) == keys, f"json: row members {list(g)}, expected {keys}")
            want = dict(org=r["org"], name=safe(r["name"]), url=safe(r["url"]),
                        key_id=r["key_id"], time=r["time"], seq=r["seq"],
                        key_revoked_seq=r["key_revoked_seq"], confirmed=r["confirmed"])
            check(list(g.get("confirmed", {})) == list(r["confirmed"]),
                  f"json: {r['org']}: confirmed members {list(g.get('confirmed', {}))}")
            if r["change"]:
                want["change"] = r["change"]
            if r["change"] == "withdrew":
                want["withdrawn_seq"] = r["withdrawn_seq"]
            for k, v in want.items():
                check(g.get(k) == v, f"json: {r['org']}: {k} {show(g.get(k))}, expected {show(v)}")


# ------------------------------------------------------------------- CSV

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v):
    s = neutral(v)
    return "'" + s if s.startswith(FORMULA) else s


def check_csv(repo, raw, since):
    log, view = expected_view(repo, since)
    text = raw.decode("utf-8")
    check(text.endswith("\r\n"), "csv: does not end in CRLF")
    check("\n" not in text.replace("\r\n", ""), "csv: a line ends in a bare LF")
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header = ["document_id", "document_version", "document_sha256", "org", "name", "url",
              "key_id", "time", "seq", "key_revoked_seq", "confirmed", "confirmed_method",
              "confirmed_time"]
    if since is not None:
        header.insert(0, "change")
    check(records and records[0] == header, f"csv: header {records[:1]}")
    want = []
    for doc, rows in view:
        for r in rows:
            rec = [doc["id"], str(doc["version"]), doc["sha256"], csv_cell(r["org"]),
                   csv_cell(r["name"]), csv_cell(r["url"]), r["key_id"], r["time"], str(r["seq"]),
                   "" if r["key_revoked_seq"] is None else str(r["key_revoked_seq"]),
                   r["confirmed"]["status"], r["confirmed"].get("method", ""),
                   r["confirmed"].get("time", "")]
            if since is not None:
                rec.insert(0, r["change"])
            want.append(rec)
    got = records[1:]
    check(len(got) == len(want), f"csv: {len(got)} rows, expected {len(want)}")
    for g, w in zip(got, want):
        check(g == w, f"csv: row {show(g, 300)}, expected {show(w, 300)}")
    for rec in got:
        for cell in rec:
            check(not cell.startswith(FORMULA), f"csv: cell {show(cell)} starts a formula")


# -------------------------------------------------------------- Markdown

MD_SPECIAL = set("|*_[]`~<>")
MD_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_decode(cell, what):
    """The text a Markdown reader sees in an escaped cell; every special
    character must be escaped (backslash, or an entity for < > &)."""
    out, i = [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\":
            if i + 1 < len(cell) and cell[i + 1] in ASCII_PUNCT:
                out.append(cell[i + 1])
                i += 2
                continue
            fail(f"{what}: a backslash that escapes nothing in {show(cell)}")
        elif c == "&":
            ent = next((e for e in MD_ENTITIES if cell.startswith(e, i)), None)
            if ent is None:
                fail(f"{what}: a raw & in {show(cell)}")
            else:
                out.append(MD_ENTITIES[ent])
                i += len(ent)
                continue
        elif c in MD_SPECIAL:
            fail(f"{what}: unescaped {c!r} in {show(cell)}")
        out.append(c)
        i += 1
    return "".join(out)


def md_cells(line):
    """A table row split at its unescaped pipes."""
    cells, cur, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            cur.append(line[i:i + 2])
            i += 2
        elif line[i] == "|":
            cells.append("".join(cur))
            cur = []
            i += 1
        else:
            cur.append(line[i])
            i += 1
    cells.append("".join(cur))
    return cells


def check_markdown(repo, raw, since):
    log, view = expected_view(repo, since)
    text = check_terminal_text(raw, "markdown")
    lines = text.split("\n")
    prefix = "# Signatories: "
    check(lines[0].startswith(prefix) and
          md_decode(lines[0][len(prefix):], "markdown origin") == safe(log.origin),
          f"markdown: heading {show(lines[0])}")
    heads = [i for i, l in enumerate(lines) if l.startswith("## ")]
    check(len(heads) == len(view), f"markdown: {len(heads)} document headings")
    for n, (doc, rows) in enumerate(view):
        if n >= len(heads):
            break
        start, end = heads[n], heads[n + 1] if n + 1 < len(heads) else len(lines)
        m = re.fullmatch(r"## (.*) \(version (\d+)\)", lines[start])
        check(m and md_decode(m.group(1), "markdown title") == safe(doc["title"]) and
              int(m.group(2)) == doc["version"], f"markdown: heading {show(lines[start])}")
        url = [l for l in lines[start:end] if l.startswith("- URL: ")]
        check(url and md_decode(url[0][7:], "markdown document url") == safe(doc["url"]),
              f"markdown: document url line {url}")
        table = [l for l in lines[start:end] if l.startswith("| ")][2:]
        check(len(table) == len(rows), f"markdown: {len(table)} rows, expected {len(rows)}")
        for line, r in zip(table, rows):
            cells = md_cells(line)
            if not check(len(cells) == 10 and cells[0] == "" and cells[9] == "",
                         f"markdown: row of {len(cells) - 2} cells: {show(line, 300)}"):
                continue
            cells = [c[1:-1] for c in cells[1:9]]  # one space each side
            check(md_decode(cells[0], "markdown org") == r["org"], f"markdown: org {cells[0]}")
            got = md_decode(cells[1], f"markdown name of {r['org']}")
            check(got == safe(r["name"]), f"markdown: name {show(got)}, "
                  f"expected {show(safe(r['name']))}")
            got = md_decode(cells[2], f"markdown url of {r['org']}")
            check(got == safe(r["url"]), f"markdown: url {show(got)}")
            check(cells[3:7] == [f"`{r['key_id']}`", r["time"], confirmed_text(r["confirmed"]),
                                 str(r["seq"])],
                  f"markdown: {r['org']}: key id, time, domain confirmed, seq {cells[3:7]}")


# ------------------------------------------------------------------ HTML


class Page(html.parser.HTMLParser):
    """Elements, attributes and text of a page, as a browser's tokenizer
    would see them; with the text of each element of a class (or tag) named
    in CAPTURE, in document order."""

    CAPTURE = {"name", "domain", "count", "org", "asof", "note", "older", "summary", "h1",
               "title", "footer", "h3", "dd", "details"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []     # (tag, {attr: value})
        self.signature = set()  # (tag, attribute names, class)
        self.stack = []
        self.texts = []        # (path of tags, text)
        self.links = []        # (href, rel, text)
        self.comments = []
        self.decls = []
        self.cur_link = None
        self.captured = {k: [] for k in self.CAPTURE}  # key -> [text]
        self.open = []         # [key, depth, [text]]

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.elements.append((tag, d))
        self.signature.add((tag, tuple(sorted(k for k, _ in attrs)), d.get("class")))
        if tag in ("meta", "br", "img", "link", "input", "hr", "wbr", "source"):
            return
        self.stack.append(tag)
        for key in {tag, d.get("class")} & self.CAPTURE:
            self.open.append([key, len(self.stack), []])
        if tag == "a":
            self.cur_link = [d.get("href"), d.get("rel"), []]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        while self.open and self.open[-1][1] > len(self.stack):
            key, _, text = self.open.pop()
            self.captured[key].append("".join(text))
        if tag == "a" and self.cur_link is not None:
            self.links.append((self.cur_link[0], self.cur_link[1], "".join(self.cur_link[2])))
            self.cur_link = None

    def handle_data(self, data):
        self.texts.append((tuple(self.stack), data))
        for c in self.open:
            c[2].append(data)
        if self.cur_link is not None:
            self.cur_link[2].append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.decls.append(decl)

    def handle_pi(self, data):
        self.comments.append(data)


def parse_page(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def page_order(view):
    """The versions as the page shows them: per document id, newest first,
    the ids by their newest version, newest first (here: one list)."""
    order, seen = [], set()
    for i in range(len(view) - 1, -1, -1):
        did = view[i][0]["id"]
        if did in seen:
            continue
        seen.add(did)
        order += [j for j in range(i, -1, -1) if view[j][0]["id"] == did]
    return [view[j] for j in order]


def count_text(n):
    return "No organisation" if n == 0 else f"{n} organisation{'' if n == 1 else 's'}"


def check_page(repo, text, reference, exact, what):
    """The checks common to the page endorse wrote and the DOM Chromium
    built from it."""
    log, view = expected_view(repo, None)
    low = text.lower()
    for needle in ("<script", "<img", "<svg", "<iframe", "<object", "<embed", "<base",
                   "<form", "<!--"):
        check(needle not in low, f"{what}: {needle!r} in the page")
    p = parse_page(text)
    ref = parse_page(reference)
    if exact:
        check(p.signature == ref.signature,
              f"{what}: elements differ from the example page's: extra "
              f"{sorted(p.signature - ref.signature)}, missing {sorted(ref.signature - p.signature)}")
    else:
        check(p.signature <= ref.signature,
              f"{what}: elements the example page does not have: {sorted(p.signature - ref.signature)}")
    for tag, attrs in p.elements:
        for k in attrs:
            check(not k.startswith("on"), f"{what}: attribute {k} on <{tag}>")
    check(not p.comments, f"{what}: comments {p.comments}")
    decoded = "".join(t for _, t in p.texts) + "".join(
        v or "" for _, attrs in p.elements for v in attrs.values())
    for handler in ("onerror=", "onload=", "onmouseover="):
        check(low.count(handler) == decoded.lower().count(handler),
              f"{what}: {handler} outside of text")
    shown = page_order(view)
    rows = [r for _, rs in shown for r in rs]
    c = p.captured
    # the document's title as the heading, newest version first
    title = safe(view[-1][0]["title"]) if view else safe(log.origin)
    check(c["h1"] == [title], f"{what}: <h1> {show(c['h1'])}, expected {show(title)}")
    check(c["title"] == [title + ": who endorses it"], f"{what}: <title> {show(c['title'])}")
    counts = [count_text(len(rs)) for _, rs in shown]
    check(c["count"] == counts, f"{what}: counts {c['count']}, expected {counts}")
    # older versions folded, closed, their number in the summary
    folded = [f"Version {d['version']}, " for d, _ in shown[1:]]
    check(len(c["summary"]) == len(folded) and
          all(s.startswith(w) for s, w in zip(c["summary"], folded)),
          f"{what}: summaries {show(c['summary'], 300)}, expected {folded}")
    details = [a for t, a in p.elements if t == "details"]
    check(len(details) == len(folded) and not any("open" in a for a in details),
          f"{what}: {len(details)} <details>, expected {len(folded)}, all closed")
    # every signatory: its name as the text of its link, its domain, the
    # marks in words exactly as its state is
    names = [safe(r["name"]) for r in rows]
    check(c["name"] == names, f"{what}: the names are {show(c['name'], 400)}, "
          f"expected {show(names, 400)}")
    domains = [r["org"] for r in rows]
    check(c["domain"] == domains, f"{what}: the domains are {show(c['domain'], 400)}")
    check(len(c["org"]) == len(rows), f"{what}: {len(c['org'])} organisations, expected {len(rows)}")
    for item, r in zip(c["org"], rows):
        check(VERIFIED in item, f"{what}: {r['org']}: no {VERIFIED!r}")
        check(item.count(MARK) == (r["confirmed"]["status"] == "current"),
              f"{what}: {r['org']}: the mark {MARK!r} for status {r['confirmed']['status']}")
        check(confirmed_html(r["confirmed"]) in item,
              f"{what}: {r['org']}: no {show(confirmed_html(r['confirmed']))} in {show(item, 300)}")
        check((REVOKED in item) == (r["key_revoked_seq"] is not None),
              f"{what}: {r['org']}: the revoked key's note")
    for word in (VERIFIED, MARK):
        check(any(d.startswith(LEGEND[word]) for d in c["dd"]),
              f"{what}: no sentence explaining {word!r}")
    # links: each version's text, each signatory's url; the auditors' part
    want_links = []
    for i, (doc, rs) in enumerate(shown):
        want_links.append((safe(doc["url"]), "Read it" if i == 0 else "Read this version"))
        if i == 0:
            want_links.append(("#auditors", "For auditors"))
        want_links += [(safe(r["url"]), safe(r["name"])) for r in rs]
    want_links += [(safe(doc["url"]), safe(doc["url"])) for doc, _ in shown]
    got_links = [(h, t) for h, _, t in p.links]
    check(got_links == want_links, f"{what}: links {show(got_links, 400)}, "
          f"expected {show(want_links, 400)}")
    for h, rel, _ in p.links:
        if h == "#auditors":
            continue
        check(rel == "nofollow noopener noreferrer", f"{what}: link rel {rel!r}")
        check(h is not None and h.startswith("https://"), f"{what}: link {h!r}")
    # the date: the time of the log's newest entry
    newest = log.newest_time
    check(len(c["asof"]) == 1 and c["asof"][0].startswith("As of ") and
          [a.get("datetime") for t, a in p.elements if t == "time"].count(newest) >= 1,
          f"{what}: the date {show(c['asof'])}, expected the time {newest}")
    # the footer for auditors: how to check, the facts, every key ID
    check(len(c["footer"]) == 1, f"{what}: {len(c['footer'])} footers")
    foot = "".join(c["footer"])
    check(foot.strip().startswith("For auditors"), f"{what}: the footer begins {show(foot)}")
    for needle in ("endorse verify", safe(log.origin), f"Entries{log.size}", newest,
                   f"(entry {log.size - 1})"):
        check(needle in foot, f"{what}: {show(needle)} not in the footer")
    heads = [f"Version {d['version']} of {safe(d['title'])} (document id {d['id']})"
             for d, _ in shown]
    check(c["h3"] == heads, f"{what}: footer headings {show(c['h3'], 300)}, expected {show(heads, 300)}")
    for r in rows:
        check(f"{r['org']}: entry {r['seq']} at {r['time']}, key {r['key_id']}" in foot,
              f"{what}: {r['org']}'s entry {r['seq']} not in the footer")
    code = [t for path, t in p.texts if path and path[-1] == "code"]
    check(safe(log.origin) in code, f"{what}: the origin is not the text of a <code>")
    csp = [a.get("content") for t, a in p.elements if t == "meta" and
           a.get("http-equiv", "").lower() == "content-security-policy"]
    check(csp == ["default-src 'none'; style-src 'unsafe-inline'"], f"{what}: CSP {csp}")
    return p


MARK = "\u2713 domain confirmed"
VERIFIED = "\u2713 signature verified"
REVOKED = "Signed with a key "
LEGEND = {VERIFIED: "The endorsement is signed with the key this organisation registered",
          MARK: "The keeper of the record found this organisation's current key published by "
                "its own domain (on its website or in its DNS) on the date shown"}
PLACE = {"https": "on its website", "dns": "in its DNS"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def human_date(t):
    return f"{int(t[8:10])} {MONTHS[int(t[5:7]) - 1]} {t[:4]}"


def confirmed_html(c):
    if c["status"] == "current":
        return f"{MARK} (key found {PLACE[c['method']]}, {human_date(c['time'])})"
    if c["status"] == "older-key":
        return (f"domain confirmed an earlier key of this organisation "
                f"({human_date(c['time'])}), not yet its current one")
    return ""


def check_html(repo, raw, reference, exact):
    text = check_terminal_text(raw, "html")
    check(text.startswith("<!DOCTYPE html>\n"), "html: no doctype")
    check_page(repo, text, reference, exact, "html")


def check_dom(repo, raw, reference):
    check_page(repo, raw.decode("utf-8"), reference, True, "dom")


def probe_page(page, out, js, printed, width):
    """A page for probe.js: an iframe width pixels wide (a headless window
    is at least 500 px wide) whose srcdoc is a copy of the page without the
    CSP (which forbids every script), with the script at the end of <body>;
    printed: with the print style applied on the screen."""
    with open(page, encoding="utf-8") as f:
        text = f.read()
    csp = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n')
    check(len(csp.findall(text)) == 1, "probe: no CSP to take out")
    text = csp.sub("", text)
    if printed:
        check("@media print{" in text, "probe: no print style")
        text = text.replace("@media print{", "@media all{")
    with open(js, encoding="utf-8") as f:
        script = f.read()
    text = text.replace("</body>", "<script>" + script + "</script>\n</body>")
    with open(out, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>probe</title>'
                '</head>\n<body style="margin:0"><iframe style="border:0;display:block" '
                f'width="{width}" height="3000" srcdoc="{html.escape(text, quote=True)}">'
                '</iframe></body></html>\n')


def check_probe(repo, raw, width, printed, words):
    """The layout that probe.js measured: nothing wider than the viewport;
    with words, no word split over two lines; on the screen only the
    newest version's organisations have a box (the older ones are folded);
    printed, every one, black on white."""
    p = parse_page(raw.decode("utf-8"))
    found = [a.get("data-probe") for t, a in p.elements if t == "body" and "data-probe" in a]
    if not check(len(found) == 1, "probe: no data-probe on <body> (did the script run?)"):
        return
    m = json.loads(found[0])
    what = f"probe at {width} px{' (print style)' if printed else ''}"
    check(m["width"] == width, f"{what}: the viewport is {m['width']} px wide")
    check(m["scroll"] <= width, f"{what}: the page scrolls sideways: {m['scroll']} px")
    check(not m["wide"], f"{what}: elements past the right edge: {m['wide'][:10]}")
    if words:
        check(not m["broken"], f"{what}: words split over two lines: {m['broken'][:20]}")
    _, view = expected_view(repo, None)
    shown = page_order(view)
    total = sum(len(rs) for _, rs in shown)
    check(m["orgs"] == total, f"{what}: {m['orgs']} li.org, expected {total}")
    want = total if printed else len(shown[0][1]) if shown else 0
    check(m["shown"] == want, f"{what}: {m['shown']} organisations shown, expected {want}")
    if printed:
        check(m["colours"] == ["rgb(0, 0, 0)"], f"{what}: text colours {m['colours']}")
        check(m["background"] == "rgb(255, 255, 255)", f"{what}: background {m['background']}")


# ---------------------------------------------------------------- Jekyll

YAML_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
                "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
QUOTED = r'"((?:[^"\\]|\\.)*)"'
# Characters that YAML does not allow in a stream (libyaml, which Jekyll's
# Psych uses, and PyYAML refuse them), and YAML's own line breaks, which
# would split a quoted scalar over lines.
YAML_NONPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
YAML_BREAKS = re.compile("[\x85\u2028\u2029]")
# what a renderer may replace by '?' instead of escaping it
MAY_REPLACE = set("\ufffe\uffff\u2028\u2029")


def yaml_unquote(s, what):
    out, i = [], 0
    while i < len(s):
        if s[i] != "\\":
            out.append(s[i])
            i += 1
            continue
        c = s[i + 1]
        if c in YAML_ESCAPES:
            out.append(YAML_ESCAPES[c])
            i += 2
        elif c in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[c]
            out.append(chr(int(s[i + 2:i + 2 + n], 16)))
            i += 2 + n
        else:
            fail(f"{what}: unknown escape \\{c}")
            i += 2
    return "".join(out)


def same_text(got, want):
    return len(got) == len(want) and all(
        g == w or (g == "?" and w in MAY_REPLACE) for g, w in zip(got, want))


def expected_jekyll(repo):
    log, view = expected_view(repo, None)
    out = []
    for org in log.orgs:
        newest = None
        for doc, rows in view:
            for r in rows:
                if r["org"] == org and (newest is None or r["seq"] > newest[1]["seq"]):
                    newest = (doc, r)
        if newest:
            doc, r = newest
            entry = dict(name=safe(r["name"]), url=safe(r["url"]), org=org,
                         key_id=r["key_id"], since=r["time"], seq=r["seq"],
                         document=doc["sha256"], document_version=doc["version"],
                         verified=True, confirmed=r["confirmed"]["status"])
            if r["confirmed"]["status"] != "none":
                entry["confirmed_method"] = r["confirmed"]["method"]
                entry["confirmed_time"] = r["confirmed"]["time"]
            out.append(entry)
    return log, out


def check_jekyll(repo, raw):
    log, want = expected_jekyll(repo)
    text = check_terminal_text(raw, "jekyll")
    for delim in ("{{", "}}", "{%", "%}"):
        lines = [l for l in text.split("\n") if delim in l]
        check(not lines, f"jekyll: Liquid delimiter {delim} in {show(lines, 300)}")
    bad = sorted({f"U+{ord(c):04X}" for c in YAML_NONPRINTABLE.findall(text)})
    check(not bad, f"jekyll: characters YAML does not allow: {', '.join(bad)}")
    breaks = sorted({f"U+{ord(c):04X}" for c in YAML_BREAKS.findall(text)})
    check(not breaks, f"jekyll: YAML line breaks inside a value: {', '.join(breaks)}")
    # strict: the exact shape, every string a one-line double-quoted scalar
    fields = [("name", QUOTED), ("url", QUOTED), ("org", QUOTED), ("key_id", r'"([0-9a-f]{8})"'),
              ("since", r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"'), ("seq", r"(\d+)"),
              ("document", r'"([0-9a-f]{64})"'), ("document_version", r"(\d+)"),
              ("verified", r"(true)"), ("confirmed", r'"(current|older-key|none)"')]
    confirm_fields = [("confirmed_method", r'"(https|dns)"'),
                      ("confirmed_time", r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"')]
    lines = text.split("\n")
    check(lines[-1] == "", "jekyll: does not end in LF")
    lines = lines[:-1]
    comments = 0
    while comments < len(lines) and lines[comments].startswith("# "):
        comments += 1
    check(comments == 4, f"jekyll: {comments} comment lines, expected 4")
    body = lines[comments:]
    shape = [fields + (confirm_fields if w["confirmed"] != "none" else []) for w in want]
    check(len(body) == sum(len(f) for f in shape),
          f"jekyll: {len(body)} lines for {len(want)} organisations")
    got, at = [], 0
    for entry_fields in shape:
        entry = {}
        if at + len(entry_fields) > len(body):
            break
        for k, (name, pattern) in enumerate(entry_fields):
            line = body[at + k]
            lead = "- " if k == 0 else "  "
            m = re.fullmatch(re.escape(f"{lead}{name}: ") + pattern, line)
            if not check(m, f"jekyll: line {show(line)} is not {lead}{name}: {pattern}"):
                continue
            v = m.group(1)
            if pattern == QUOTED:
                for delim in ("{{", "{%", "%}"):
                    check(delim not in v, f"jekyll: {delim} in the value {show(v)}")
                v = yaml_unquote(v, "jekyll")
            entry[name] = int(v) if name in ("seq", "document_version") else (
                True if name == "verified" else v)
        at += len(entry_fields)
        got.append(entry)
    compare_jekyll(got, want, "jekyll (strict reading)")
    try:
        import yaml
    except ImportError:
        print("check.py: PyYAML is absent; the Jekyll file was checked by the strict reading only")
        return
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        fail(f"jekyll: YAML does not load: {e}")
        return
    compare_jekyll(data or [], want, "jekyll (PyYAML)")


def compare_jekyll(got, want, what):
    check(isinstance(got, list) and len(got) == len(want),
          f"{what}: {len(got) if isinstance(got, list) else got!r} entries, expected {len(want)}")
    for g, w in zip(got, want):
        check(isinstance(g, dict) and list(g) == list(w), f"{what}: keys {g!r}")
        for k, v in w.items():
            gv = g.get(k) if isinstance(g, dict) else None
            ok = same_text(gv, v) if isinstance(v, str) and isinstance(gv, str) else gv == v
            check(ok, f"{what}: {w['org']}: {k} {show(gv)}, expected {show(v)}")


# ------------------------------------------------- the Jekyll include

INCLUDE_ELEMENTS = {("section", ("class", "id"), "supporters"), ("h2", ("class",), "mb-3"),
                    ("div", ("class",), "row row-cols-1 row-cols-md-2 g-4"),
                    ("div", ("class",), "col"), ("div", ("class",), "card h-100"),
                    ("div", ("class",), "card-body"), ("h3", ("class",), "card-title h5"),
                    ("a", ("href", "rel"), None), ("p", ("class",), "card-text"),
                    ("small", ("class",), "text-muted"), ("code", (), None),
                    ("time", ("datetime",), None), ("p", ("class",), "small text-muted"),
                    ("p", (), None), ("p", ("class",), "card-text confirmed"), ("strong", (), None)}


def check_include(repo, raw, data_path):
    """docs/jekyll/supporters.html rendered by Liquid over the data file as
    Psych (Jekyll's YAML parser) loaded it."""
    log, want = expected_jekyll(repo)
    with open(data_path, encoding="utf-8") as f:
        compare_jekyll(json.load(f), want, "jekyll (Psych)")
    text = raw.decode("utf-8")
    low = text.lower()
    for needle in ("<script", "<img", "<svg", "<iframe", "<!--"):
        check(needle not in low, f"include: {needle!r} in the page")
    p = parse_page(text)
    check(p.signature <= INCLUDE_ELEMENTS,
          f"include: elements the template does not make: {sorted(p.signature - INCLUDE_ELEMENTS)}")
    for tag, attrs in p.elements:
        for k in attrs:
            check(not k.startswith("on"), f"include: attribute {k} on <{tag}>")
    got = sorted((h, t) for h, _, t in p.links)
    exp = sorted((w["url"], w["name"]) for w in want)
    check(len(got) == len(exp) and all(same_text(g[0], e[0]) and same_text(g[1], e[1])
                                       for g, e in zip(got, exp)),
          f"include: links {show(got, 400)}, expected {show(exp, 400)}")
    for _, rel, _ in p.links:
        check(rel == "nofollow noopener", f"include: rel {rel!r}")
    times = sorted(a.get("datetime") for t, a in p.elements if t == "time")
    check(times == sorted([w["since"] for w in want] + [w["confirmed_time"] for w in want
                                                        if w["confirmed"] == "current"]),
          f"include: times {times}")
    marks = [t for path, t in p.texts if path[-1:] == ("strong",)]
    check(marks == ["\u2713 domain confirmed"] * sum(w["confirmed"] == "current" for w in want),
          f"include: marks {marks}")
    codes = sorted(t for path, t in p.texts if path[-2:] == ("small", "code"))
    check(codes == sorted(w["key_id"] for w in want), f"include: key ids {codes}")


# ------------------------------------------------------------------ --org


def run_org(repo, org, fmt):
    r = subprocess.run([os.environ["ENDORSE"], "audit", "-C", repo, "--org", org,
                        "--format", fmt], capture_output=True, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and r.stderr == b"",
          f"--org {org} --format {fmt}: exit {r.returncode}, stderr {r.stderr[-300:]!r}")
    return r.stdout


def run_orgs(repo, orgs, fmt):
    """endorse audit --org for every organisation, a few at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda org: run_org(repo, org, fmt), orgs))


def check_org_table(repo):
    log = Log(repo)
    for org, raw in zip(log.orgs, run_orgs(repo, log.orgs, "table")):
        text = check_terminal_text(raw, f"--org {org} table")
        no_commands(text, f"--org {org} table")
        lines = text.split("\n")
        check(lines[0] == f"Organization: {org}", f"--org {org}: first line {show(lines[0])}")
        events = [l for l in lines if re.match(r"  \d+ +\d{4}-", l)]
        check(len(events) == len(log.history[org]),
              f"--org {org}: {len(events)} events, expected {len(log.history[org])}")
        for line, st in zip(events, log.history[org]):
            check(line.startswith(f"  {st['seq']:<4} {st['time']}  {st['type']:<8}  "),
                  f"--org {org}: event line {show(line)}")
            if st["type"] == "endorse":
                doc = log.docs[log.doc_index(st["document"])]
                want = (f"{neutral(doc['title'])} ({st['document'][:12]}) as "
                        f"\"{neutral(st['org']['name'])}\", {neutral(st['org']['url'])}, "
                        f"key {key_id(st['signer'])}")
                check(line.endswith(want), f"--org {org}: {show(line, 200)} does not end "
                      f"with {show(want, 200)}")
            if st["type"] == "revoke":
                by = "the log operator" if st["signer"] == log.log_vkey else "the organization"
                want = f"key {key_id(st['key'])} revoked by {by}: {neutral(st['reason'])}"
                check(line.endswith(want), f"--org {org}: {show(line, 200)} does not end "
                      f"with {show(want, 200)}")


def check_org_json(repo):
    log = Log(repo)
    for org, raw in zip(log.orgs, run_orgs(repo, log.orgs, "json")):
        no_commands(raw, f"--org {org} json")
        try:
            a = json.loads(raw)
        except ValueError as e:
            fail(f"--org {org} json: not JSON: {e}")
            continue
        check(list(a) == ["schema", "valid", "origin", "org", "current_key", "confirmed",
                          "keys", "history"], f"--org {org} json: members {list(a)}")
        held, revoked = [], set()
        for st in log.history[org]:
            for vk in (st["signer"], st.get("new_signer")):
                if vk and vk != log.log_vkey and vk not in held:
                    held.append(vk)
            if st["type"] == "revoke":
                revoked.add(st["key"])
        want_keys = [dict(key_id=key_id(vk), status="revoked" if vk in revoked else
                          "current" if vk == log.current.get(org) else "rotated", vkey=vk)
                     for vk in held]
        check(a.get("keys") == want_keys, f"--org {org} json: keys {a.get('keys')}, "
              f"expected {want_keys}")
        check(a.get("confirmed") == log.confirmed(org), f"--org {org} json: confirmed "
              f"{a.get('confirmed')}, expected {log.confirmed(org)}")
        check(a["schema"] == "endorse-audit-org/1" and a["valid"] is True and
              a["origin"] == safe(log.origin) and a["org"] == org, f"--org {org} json: header")
        check(a["current_key"] == log.current.get(org), f"--org {org} json: current_key")
        check(len(a["history"]) == len(log.history[org]), f"--org {org} json: history length")
        for g, st in zip(a["history"], log.history[org]):
            want = dict(seq=st["seq"], type=st["type"], time=st["time"],
                        key_id=key_id(st["signer"]))
            if "document" in st:
                want["document"] = st["document"]
            if st["type"] == "endorse":
                want["name"] = safe(st["org"]["name"])
                want["url"] = safe(st["org"]["url"])
            if st["type"] == "rotate":
                want["new_key_id"] = key_id(st["new_signer"])
            if st["type"] == "revoke":
                want["revoked_key_id"] = key_id(st["key"])
                want["by_log"] = st["signer"] == log.log_vkey
                want["reason"] = safe(st["reason"])
            if st["type"] == "confirm":
                want["confirmed_key_id"] = key_id(st["key"])
                want["method"] = st["method"]
            check(g == want, f"--org {org} json: event {show(g, 300)}, expected {show(want, 300)}")


# ------------------------------------------------------------------- main


def main(argv):
    args = argv[1:]
    opts = {}
    for flag in ("--since", "--reference", "--width"):
        if flag in args:
            i = args.index(flag)
            opts[flag] = args[i + 1]
            del args[i:i + 2]
    exact = "--exact" in args
    printed = "--print" in args
    words = "--words" in args
    args = [a for a in args if a not in ("--exact", "--print", "--words")]
    if args[0] == "probe-page":  # probe-page PAGE OUT PROBE_JS --width PX [--print]
        probe_page(args[1], args[2], args[3], printed, int(opts["--width"]))
        for p in PROBLEMS:
            print("FAIL:", p, file=sys.stderr)
        return 1 if PROBLEMS else 0
    fmt, repo = args[0], args[1]
    since = int(opts["--since"]) if "--since" in opts else None
    reference = None
    if "--reference" in opts:
        with open(opts["--reference"], encoding="utf-8") as f:
            reference = f.read()
    if fmt in ("org-table", "org-json"):
        (check_org_table if fmt == "org-table" else check_org_json)(repo)
    else:
        with open(args[2], "rb") as f:
            raw = f.read()
        if fmt in ("table", "json", "csv", "markdown", "html", "jekyll"):
            no_commands(raw, fmt)
        if fmt == "table":
            check_table(repo, raw, since)
        elif fmt == "json":
            check_json(repo, raw, since, args[2])
        elif fmt == "csv":
            check_csv(repo, raw, since)
        elif fmt == "markdown":
            check_markdown(repo, raw, since)
        elif fmt == "html":
            check_html(repo, raw, reference, exact)
        elif fmt == "jekyll":
            check_jekyll(repo, raw)
        elif fmt == "dom":
            check_dom(repo, raw, reference)
        elif fmt == "probe":
            check_probe(repo, raw, int(opts["--width"]), printed, words)
        elif fmt == "include":
            check_include(repo, raw, args[3])
        else:
            sys.exit(f"check.py: unknown format {fmt}")
    for p in PROBLEMS:
        print("FAIL:", p, file=sys.stderr)
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
