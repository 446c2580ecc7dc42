#!/usr/bin/env python3
"""tiles_read.py DIR [LOG]: an independent reader of C2SP tlog-tiles.

Reads DIR/checkpoint (its size and root; the signature is endorse's to
check) and every tile a tree of that size has: each hash tile of each level
(full tiles exactly 256 hashes, the partial one of floor(size / 256**l) mod
256), each entry bundle (big-endian uint16 length-prefixed entries, as many
as the level 0 tile's width, nothing after them). Each entry must hash (RFC
6962 leaf hash) to its level 0 hash, each hash of level l + 1 must be the
Merkle Tree Hash of the full tile below it, and the Merkle Tree Hash of all
the leaves must be the checkpoint's root. With LOG, the entries must be its
lines without their LF. Written from the specification with Python's hashlib
alone, none of endorse's code. Exit 0 and one line of figures, or 1 with the
first discrepancy."""
import base64
import hashlib
import os
import sys

WIDTH = 256


def node(left, right):
    return hashlib.sha256(b'\x01' + left + right).digest()


def mth(hashes):
    """RFC 6962 §2.1 over hashes taken as the nodes of one height."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def tile_path(level, index, width):
    digits = str(index)
    digits = digits.zfill((len(digits) + 2) // 3 * 3)
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    name = '/'.join(['x' + g for g in groups[:-1]] + [groups[-1]])
    base = 'tile/entries/' if level is None else f'tile/{level}/'
    return base + name + (f'.p/{width}' if width < WIDTH else '')


def fail(message):
    print(f'tiles_read: {message}')
    sys.exit(1)


def read(root, rel, size):
    path = os.path.join(root, rel)
    if not os.path.isfile(path):
        fail(f'{rel} is missing')
    with open(path, 'rb') as f:
        data = f.read()
    if size is not None and len(data) != size:
        fail(f'{rel} is {len(data)} bytes, not {size}')
    return data


def tiles_of_level(root, level, count):
    """The count hashes of a level, from its tiles."""
    hashes = []
    for n in range((count + WIDTH - 1) // WIDTH):
        width = min(WIDTH, count - n * WIDTH)
        data = read(root, tile_path(level, n, width), 32 * width)
        hashes += [data[i:i + 32] for i in range(0, len(data), 32)]
    return hashes


def entries(root, size):
    found = []
    for n in range((size + WIDTH - 1) // WIDTH):
        width = min(WIDTH, size - n * WIDTH)
        rel = tile_path(None, n, width)
        data, at, got = read(root, rel, None), 0, []
        while at < len(data):
            if at + 2 > len(data):
                fail(f'{rel}: a length cut short')
            length = int.from_bytes(data[at:at + 2], 'big')
            if at + 2 + length > len(data):
                fail(f'{rel}: entry {len(got)} runs past the end')
            got.append(data[at + 2:at + 2 + length])
            at += 2 + length
        if len(got) != width:
            fail(f'{rel} holds {len(got)} entries, not {width}')
        found += got
    return found


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: tiles_read.py DIR [LOG]')
    root = sys.argv[1]
    lines = read(root, 'checkpoint', None).decode().split('\n')
    size, want_root = int(lines[1]), base64.b64decode(lines[2], validate=True)
    levels, level, count = [], 0, size
    while count > 0:
        levels.append(tiles_of_level(root, level, count))
        level, count = level + 1, count // WIDTH
    for l in range(1, len(levels)):
        below = levels[l - 1]
        for j, h in enumerate(levels[l]):
            if h != mth(below[j * WIDTH:(j + 1) * WIDTH]):
                fail(f'hash {j} of level {l} is not the hash of tile {j} of level {l - 1}')
    if size and mth(levels[0]) != want_root:
        fail('the leaves do not make the checkpoint\'s root')
    found = entries(root, size)
    for i, entry in enumerate(found):
        if hashlib.sha256(b'\x00' + entry).digest() != levels[0][i]:
            fail(f'entry {i} does not hash to its level 0 hash')
    if len(sys.argv) == 3:
        with open(sys.argv[2], 'rb') as f:
            log = f.read().split(b'\n')[:size]
        if found != log:
            fail('the entries are not the log\'s lines')
    tiles = sum((len(h) + WIDTH - 1) // WIDTH for h in levels)
    print(f'tiles_read: {size} entries, {len(levels)} levels, {tiles} hash tiles and '
          f'{(size + WIDTH - 1) // WIDTH} entry bundles verified')


if __name__ == '__main__':
    main()
