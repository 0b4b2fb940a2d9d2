#!/usr/bin/env python3
"""png_check.py - check a browser screenshot without an image library.

    png_check.py FILE WIDTH HEIGHT [--colour RRGGBB]... [--pixel X Y RRGGBB]

Decodes the PNG (8-bit RGB or RGBA, the kind Chromium writes), checks its
size, that it is not blank (at least 50 colours), that every --colour is
somewhere in it and that the pixel at X,Y has the given colour.  Prints
a one-line summary; exits 1 with the reason on the first failed check.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('%s: not a PNG' % path)
    pos, idat, w, h, depth, ctype = 8, [], 0, 0, 0, 0
    while pos + 8 <= len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if typ == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif typ == b'IDAT':
            idat.append(body)
    if depth != 8 or ctype not in (2, 6):
        sys.exit('unexpected PNG format: depth %d, colour type %d' % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    raw = zlib.decompress(b''.join(idat))
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1:
                    line[x] = (line[x] + a) & 255
                elif f == 3:
                    line[x] = (line[x] + ((a + b) >> 1)) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main(argv):
    path, want_w, want_h = argv[1], int(argv[2]), int(argv[3])
    want_colours, pixel, args = [], None, argv[4:]
    while args:
        if args[0] == '--colour':
            want_colours.append(bytes.fromhex(args[1]))
            args = args[2:]
        elif args[0] == '--pixel':
            pixel = (int(args[1]), int(args[2]), bytes.fromhex(args[3]))
            args = args[4:]
        else:
            sys.exit('usage: png_check.py FILE W H [--colour RRGGBB]... [--pixel X Y RRGGBB]')
    w, h, bpp, rows = decode(path)
    if (w, h) != (want_w, want_h):
        sys.exit('size %dx%d, want %dx%d' % (w, h, want_w, want_h))
    colours = set()
    for line in rows:
        for x in range(0, len(line), bpp):
            colours.add(line[x:x + 3])
    if len(colours) < 50 and pixel is None:
        sys.exit('nearly blank: %d colours' % len(colours))
    for rgb in want_colours:
        if rgb not in colours:
            sys.exit('no #%s pixel anywhere' % rgb.hex())
    if pixel is not None:
        x, y, rgb = pixel
        got = rows[y][x * bpp:x * bpp + 3]
        if got != rgb:
            sys.exit('pixel %d,%d is #%s, want #%s' % (x, y, got.hex(), rgb.hex()))
    print('%dx%d, %d colours' % (w, h, len(colours)))


if __name__ == '__main__':
    main(sys.argv)
