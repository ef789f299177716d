"""Pixel statistics of a PNG screenshot without an imaging library (zlib + the PNG filters).

Enough to tell a blank page from a drawn one: :func:`luminance_spread` is the
standard deviation of the pixels' luminance (0 for a single-colour image).
"""

from __future__ import annotations

import struct
import zlib


def _rows(data: bytes) -> tuple[int, int, int, list[bytearray]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0, "only 8-bit RGB(A) screenshots"
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, channels, rows


def luminance_spread(data: bytes, step: int = 7) -> float:
    """Standard deviation of luminance over every ``step``-th row and column."""
    width, _, channels, rows = _rows(data)
    values = []
    for line in rows[::step]:
        for x in range(0, width, step):
            r, g, b = line[x * channels:x * channels + 3]
            values.append(0.299 * r + 0.587 * g + 0.114 * b)
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
