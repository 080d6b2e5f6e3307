#!/usr/bin/env python3
"""Writes the app icons into static/: icon.svg, icon-192.png, icon-512.png and favicon.ico
(one 32x32 PNG inside an ICO, which every browser since IE11 reads). Pure Python (zlib and
struct) so it needs nothing beyond Debian's python3; run it again after changing the shape:
    python3 scripts/make-icons.py static
The drawing: an open book, white, on the header's brand red (#b3261e, static/style.css)."""
import struct
import sys
import zlib

RED = (0xB3, 0x26, 0x1E)
WHITE = (0xFF, 0xFF, 0xFF)
RADIUS = 0.18  # corner radius of the tile, as a fraction of its side
# the two pages, in the unit square (x right, y down)
PAGES = [
    [(0.17, 0.28), (0.47, 0.35), (0.47, 0.77), (0.17, 0.70)],
    [(0.53, 0.35), (0.83, 0.28), (0.83, 0.70), (0.53, 0.77)],
]


def inside_tile(x, y):
    r = RADIUS
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_poly(x, y, poly):
    c = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            c = not c
    return c


def render(size, ss=3):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) / size
                    y = (py + (sy + 0.5) / ss) / size
                    if not inside_tile(x, y):
                        continue
                    col = WHITE if any(inside_poly(x, y, p) for p in PAGES) else RED
                    acc[0] += col[0]
                    acc[1] += col[1]
                    acc[2] += col[2]
                    acc[3] += 255
            n = ss * ss
            a = acc[3] // n
            if a == 0:
                row += bytes(4)
            else:
                # straight (not premultiplied) alpha
                k = acc[3] // 255
                row += bytes([acc[0] // k, acc[1] // k, acc[2] // k, a])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def svg():
    def pts(p):
        return " ".join("%g,%g" % (x * 512, y * 512) for x, y in p)
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
            '<rect width="512" height="512" rx="%g" fill="#b3261e"/>' % (RADIUS * 512) +
            "".join('<polygon points="%s" fill="#fff"/>' % pts(p) for p in PAGES) +
            "</svg>\n")


def ico(png, size):
    # ICONDIR + one ICONDIRENTRY pointing at a PNG image
    head = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return head + entry + png


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "static"
    with open(out + "/icon.svg", "w") as f:
        f.write(svg())
    for s in (192, 512):
        with open("%s/icon-%d.png" % (out, s), "wb") as f:
            f.write(render(s))
    with open(out + "/favicon.ico", "wb") as f:
        f.write(ico(render(32, 4), 32))


if __name__ == "__main__":
    main()
