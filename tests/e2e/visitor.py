#!/usr/bin/env python3
"""The audit page as a visitor reads it (tests/e2e/visitor.sh).

usage: visitor.py PAGE LOG [KEY=VALUE...]

Always checked: one <h1>; per version shown, a sentence with the count of
organisations in <strong class="count">, the newest version first and open,
every older one in a closed <details>; each organisation (li.org) with its
name as the text of a link, its domain, "since DATE" and "✓ signature
verified"; the sentence "As of DATE, TIME UTC" whose <time> is the time of
LOG's newest entry; a footer "For auditors" (id auditors) saying how to
check (endorse verify) and giving the number of entries; no script.

KEY=VALUE, versions separated by '|' in page order, organisations by ',':
  h1=TEXT        the heading
  counts=A|B     the count of each version ("1 organisation", ...)
  names=A,B|C    the organisations' names
  notes=X,Y|Z    per organisation: empty (no note), revoked (signed with a
                 key revoked later, the organisation has no current key) or
                 replaced (one the organisation later replaced)
  asof=TIME      the page's date (also: it is the newest entry's time)
  since=TEXT     the first organisation's date, in words
  older=1        the newest version shown is not the current one
"""
import html.parser
import json
import sys

NOTES = {"": None,
         "revoked": "Signed with a key that was later revoked; the endorsement was made "
                    "before that and remains valid.",
         "replaced": "Signed with a key the organisation later replaced; the endorsement "
                     "remains valid."}
VERIFIED = "\u2713 signature verified"


class Page(html.parser.HTMLParser):
    """The text of each element of the classes and tags the visitor reads,
    in document order, and every element's attributes."""
    KEYS = {"h1", "count", "headline", "asof", "org", "name", "domain", "since", "note",
            "details", "footer", "title", "script"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.open, self.elements = 0, [], []
        self.text = {k: [] for k in self.KEYS}
        self.orgs = []  # per li.org: {key: text}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in ("meta", "br", "link"):
            return
        self.depth += 1
        for key in {tag, a.get("class")} & self.KEYS:
            self.open.append([key, self.depth, []])
            if key == "org":
                self.orgs.append({})

    def handle_endtag(self, tag):
        self.depth -= 1
        while self.open and self.open[-1][1] > self.depth:
            key, _, parts = self.open.pop()
            text = "".join(parts)
            self.text[key].append(text)
            if self.orgs and any(o[0] == "org" for o in self.open) and key != "org":
                self.orgs[-1][key] = text

    def handle_data(self, data):
        for o in self.open:
            o[2].append(data)


def main(argv):
    page, log = argv[1], argv[2]
    want = dict(a.split("=", 1) for a in argv[3:])
    problems = []

    def check(cond, msg):
        if not cond:
            problems.append(msg)

    with open(page, encoding="utf-8") as f:
        p = Page()
        p.feed(f.read())
        p.close()
    with open(log, encoding="utf-8") as f:
        lines = f.read().splitlines()
    newest = json.loads(lines[-1])["statement"]["time"]
    t = p.text
    check(len(t["h1"]) == 1, f"{len(t['h1'])} <h1>")
    check(not t["script"], "a <script>")
    if "h1" in want:
        check(t["h1"] == [want["h1"]], f"<h1> {t['h1']}, expected {want['h1']!r}")
        check(t["title"] == [want["h1"] + ": who endorses it"], f"<title> {t['title']}")
    versions = len(t["count"])
    check(versions >= 1, "no count of organisations")
    if "counts" in want:
        check(t["count"] == want["counts"].split("|"), f"counts {t['count']}, expected {want['counts']}")
    details = [a for tag, a in p.elements if tag == "details"]
    check(len(details) == versions - 1, f"{len(details)} <details> for {versions} versions")
    check(not any("open" in a for a in details), "an older version is unfolded")
    newer = "a newer version exists" in t["headline"][0] if t["headline"] else False
    check(newer == (want.get("older") == "1"), f"the headline {t['headline'][:1]}")
    names = [o.get("name") for o in p.orgs]
    if "names" in want:
        expected = [n for v in want["names"].split("|") for n in v.split(",")]
        check(names == expected, f"names {names}, expected {expected}")
        per_version = [len(v.split(",")) for v in want["names"].split("|")]
        counts = [int(c.split()[0]) if c[0].isdigit() else 0 for c in t["count"]]
        check(counts == per_version, f"the counts {t['count']} do not match the lists")
    if "notes" in want:
        expected = [NOTES[n] for v in want["notes"].split("|") for n in v.split(",")]
        got = [o.get("note") for o in p.orgs]
        check(got == expected, f"notes {got}, expected {expected}")
    for o, text in zip(p.orgs, t["org"]):
        check(VERIFIED in text, f"{o.get('name')}: no {VERIFIED!r}")
        check(o.get("domain", "").endswith(".example.org"), f"{o.get('name')}: domain {o.get('domain')}")
        check(o.get("since", "").startswith("since "), f"{o.get('name')}: since {o.get('since')}")
    if "since" in want and p.orgs:
        check(p.orgs[0].get("since") == "since " + want["since"], f"since {p.orgs[0].get('since')}")
    times = [a.get("datetime") for tag, a in p.elements if tag == "time"]
    check(len(t["asof"]) == 1 and t["asof"][0].startswith("As of "), f"the date {t['asof']}")
    check(want.get("asof", newest) == newest, f"the newest entry's time is {newest}")
    check(newest in times, f"no <time> of the newest entry, {newest}")
    links = [a for tag, a in p.elements if tag == "a"]
    for a in links:
        check(a.get("href") == "#auditors" or (a.get("href", "").startswith("https://") and
              a.get("rel") == "nofollow noopener noreferrer"), f"a link {a}")
    foot = "".join(t["footer"])
    check(len(t["footer"]) == 1 and "For auditors" in foot, "no footer For auditors")
    check(("footer", {"id": "auditors"}) in p.elements, "the footer is not #auditors")
    for needle in ("endorse verify", f"Entries{len(lines)}", f"(entry {len(lines) - 1})"):
        check(needle in foot, f"{needle!r} not in the footer")
    for m in problems:
        print("FAIL:", m, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
