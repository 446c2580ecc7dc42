#!/usr/bin/env python3
"""Assertions on the supporter cards of docs/jekyll/supporters.html with
logos from the site's _data/logos.yml (keyed by organization id).

usage: jekyll_site.py variants OUT_JSON [good]
       jekyll_site.py site-logos OUT_YAML
       jekyll_site.py liquid REPO VARIANTS_JSON PAGES_DIR [hostile-names]
       jekyll_site.py site REPO PAGE

variants writes the logo values that liquid checks: each with the site's
baseurl and the src the include must make of it, or null where it must fall
back to the name (a scheme other than https:, a protocol-relative or
backslashed path, markup, white space, a number, a list, ...). jekyll.sh
renders the include once per value (every organization given that logo)
into PAGES_DIR/N.html. With good, only the values that make a logo; with
hostile-names (the hostile log, whose names hold markup as text), the page
is checked by its elements and attributes only, not for words such as
"onerror" that the names show as text.

site-logos writes the _data/logos.yml of the site jekyll.sh builds with
`jekyll build` (SITE_LOGOS below: one logo in the site, one https url, one
organization without a logo, hostile values); site checks the page that
`jekyll build` made of that site (baseurl /manifesto).

The expected organizations come from REPO's log, replayed by check.py.
"""
import html.parser
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402  (the log replay, the include's own elements)

BAD = None  # the card shows the name

GOOD_VARIANTS = [
    ("", "a.png", "/a.png"),
    (None, "x.svg", "/x.svg"),
    ("/manifesto", "assets/logos/a-b_c.d~e.svg", "/manifesto/assets/logos/a-b_c.d~e.svg"),
    ("/manifesto/", "/assets/x.svg", "/manifesto/assets/x.svg"),
    ("/", "/assets/x.svg", "/assets/x.svg"),
    # dot segments resolve on the site's own host: not protocol-relative
    ("", "/.//other.example/x.png", "/.//other.example/x.png"),
    ("/m", "https://cdn.example.net/a.png?w=1&h=2#f", "https://cdn.example.net/a.png?w=1&h=2#f"),
    ("/m", "https://u@cdn.example.net:8443/a%20b+c,d.png", "https://u@cdn.example.net:8443/a%20b+c,d.png"),
]

HOSTILE_LOGOS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>", "vbscript:msgbox(1)", "http://evil.example/x.png",
    "HTTPS://evil.example/x.png", "ftp://evil.example/x.png", "//evil.example/x.png",
    " //evil.example/x.png", "/\\evil.example/x.png", "\\\\evil.example\\x.png",
    "/\t/evil.example/x.png", "/\n/evil.example/x.png", "/%2F/evil.example/x.png",
    "\"><script>alert(1)</script>", "x.png\" onerror=\"alert(1)", "x.png' onerror='alert(1)",
    "https://evil.example/x.png\" onerror=\"alert(1)", "https://evil.example/<script>",
    "https://", "https:// evil.example/x.png", "https://evil.example/x.png\n",
    "&#106;avascript:alert(1)", "{{ site.title }}", "{% raw %}x.png", "logo.png?x=1",
    "\u00fcn\u00efcode.png", "a b.png", "/", "", 5, 1.5, True, False, None, ["a.png"],
    {"src": "a.png"},
]

# the site jekyll.sh builds: org -> (logos.yml value, expected src or BAD);
# beta ("Beta & Partners") has none
SITE_LOGOS = {
    "alpha.example.org": ("assets/logos/alpha.svg", "/manifesto/assets/logos/alpha.svg"),
    "gamma.example.org": ("https://cdn.example.net/gamma.png?w=200&h=100",
                          "https://cdn.example.net/gamma.png?w=200&h=100"),
    "delta.example.org": ("javascript:alert(1)", BAD),
    "zeta.example.org": ("https://evil.example/z.png\" onerror=\"alert(1)", BAD),
    "epsilon.example.org": ("\"><script>alert(1)</script>", BAD),  # withdrawn: no card
}

IMG = ("img", ("alt", "class", "loading", "src"), "img-fluid supporter-logo")


class Cards(html.parser.HTMLParser):
    """Each h3 of the page: the link's href, the img's attributes, the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards = []
        self.cur = None

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if tag == "h3":
            self.cur = {"href": None, "imgs": [], "text": ""}
            self.cards.append(self.cur)
        elif self.cur is not None and tag == "a":
            self.cur["href"] = d.get("href")
        elif self.cur is not None and tag == "img":
            self.cur["imgs"].append(d)

    def handle_endtag(self, tag):
        if tag == "h3":
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur["text"] += data


def check_cards(repo, text, logo_of, what, names_hostile=False):
    """Each organization's card: its logo with the expected src and its name
    as alt text, or its name; nothing else from logos.yml in the page."""
    _, want = check.expected_jekyll(repo)
    low = "" if names_hostile else text.lower()
    for needle in ("<script", "<svg", "<iframe", "javascript:", "onerror", "onload", "evil.example",
                   "{{", "{%"):
        check.check(needle not in low, f"{what}: {needle!r} in the page")
    p = check.parse_page(text)
    extra = p.signature - check.INCLUDE_ELEMENTS - {IMG}
    check.check(not extra, f"{what}: elements the include does not make: {sorted(extra)}")
    for tag, attrs in p.elements:
        for k in attrs:
            check.check(not k.startswith("on"), f"{what}: attribute {k} on <{tag}>")
    c = Cards()
    c.feed(text)
    c.close()
    by_href = {card["href"]: card for card in c.cards}
    check.check(len(c.cards) == len(want) == len(by_href),
                f"{what}: {len(c.cards)} cards, expected {len(want)}")
    for w in want:
        card = by_href.get(w["url"])
        if card is None:
            check.fail(f"{what}: no card links to {w['url']!r}")
            continue
        src = logo_of(w["org"])
        if src is BAD:
            check.check(not card["imgs"] and check.same_text(card["text"], w["name"]),
                        f"{what}: {w['org']}: expected the name {w['name']!r}, got "
                        f"{card['imgs']!r} {card['text']!r}")
        else:
            check.check(card["imgs"] == [{"class": "img-fluid supporter-logo", "src": src,
                                          "alt": w["name"], "loading": "lazy"}]
                        and card["text"].strip() == "",
                        f"{what}: {w['org']}: expected the logo {src!r} with alt {w['name']!r}, "
                        f"got {card['imgs']!r} {card['text']!r}")


def variants(good_only):
    return ([{"baseurl": b, "logo": l, "src": s} for b, l, s in GOOD_VARIANTS]
            + ([] if good_only else
               [{"baseurl": "/manifesto", "logo": l, "src": BAD} for l in HOSTILE_LOGOS]))


def main(argv):
    mode = argv[1]
    if mode == "variants":
        with open(argv[2], "w", encoding="utf-8") as f:
            json.dump(variants(argv[3:] == ["good"]), f)
        return 0
    if mode == "site-logos":
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write("# logos of the supporters: presentation, not signed\n")
            for org, (value, _) in SITE_LOGOS.items():
                plain = all(ch.isascii() and (ch.isalnum() or ch in "/._-") for ch in value)
                f.write(f"{org}: {value if plain else json.dumps(value)}\n")
        return 0
    repo = argv[2]
    if mode == "liquid":
        with open(argv[3], encoding="utf-8") as f:
            vs = json.load(f)
        for i, v in enumerate(vs):
            with open(os.path.join(argv[4], f"{i}.html"), encoding="utf-8") as f:
                text = f.read()
            check_cards(repo, text, lambda org, s=v["src"]: s,
                        f"logo {v['logo']!r} (baseurl {v['baseurl']!r})",
                        names_hostile=argv[5:] == ["hostile-names"])
    elif mode == "site":
        with open(argv[3], encoding="utf-8") as f:
            text = f.read()
        check_cards(repo, text, lambda org: SITE_LOGOS.get(org, (None, BAD))[1], "jekyll build")
        check.check(">Beta &amp; Partners<" in text and "Beta & " not in text,
                    "jekyll build: the name without a logo is not escaped as expected")
        check.check('src="https://cdn.example.net/gamma.png?w=200&amp;h=100"' in text,
                    "jekyll build: the https logo's & is not escaped in src")
        check.check("Logos are the site" in text, "jekyll build: no word that logos are presentation")
    else:
        sys.exit(f"jekyll_site.py: unknown mode {mode}")
    for p in check.PROBLEMS:
        print("FAIL:", p, file=sys.stderr)
    return 1 if check.PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
