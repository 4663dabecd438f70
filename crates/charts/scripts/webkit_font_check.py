#!/usr/bin/env python3
"""Checks, in the real WebKitGTK engine, that a chart's embedded font subset is used.

Usage (WebKitWebDriver from Debian's webkit2gtk-driver, under Xvfb):
    xvfb-run -a WebKitWebDriver --port=4446 &
    python3 crates/charts/scripts/webkit_font_check.py CHART.svg OUTDIR

Writes OUTDIR/inline.png (the SVG inlined in a page) and OUTDIR/img.png (the SVG as an
<img> data URL). The embedded subset is patched so that 市 is drawn with the glyph of 局:
if the page shows 局 where the data says 市, the embedded font is the one in use.
"""
import base64
import json
import os
import re
import struct
import sys
import time
import urllib.request

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def patched(svg: str) -> str:
    m = re.search(r"base64,([A-Za-z0-9+/=]+)", svg)
    if not m:
        sys.exit("no embedded font in the SVG")
    font = bytearray(base64.b64decode(m.group(1)))
    tables = {}
    for i in range(struct.unpack(">H", font[4:6])[0]):
        tag, _, off, ln = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        tables[tag] = (off, ln)
    sub = tables[b"cmap"][0] + 20  # header + two encoding records, then format 4
    seg_x2 = struct.unpack(">H", font[sub + 6 : sub + 8])[0]
    ends = sub + 14
    starts = ends + seg_x2 + 2
    deltas = starts + seg_x2
    u16 = lambda at: struct.unpack(">H", font[at : at + 2])[0]
    gid = {}
    for i in range(seg_x2 // 2):
        s, e, d = u16(starts + 2 * i), u16(ends + 2 * i), u16(deltas + 2 * i)
        for c in range(s, e + 1):
            gid[c] = ((c + d) & 0xFFFF, i)
    shi, ju = ord("市"), ord("局")
    if shi not in gid or ju not in gid:
        sys.exit("the chart must contain both 市 and 局")
    seg = gid[shi][1]
    if u16(starts + 2 * seg) != u16(ends + 2 * seg):
        sys.exit("市 is not in a segment of its own")
    font[deltas + 2 * seg : deltas + 2 * seg + 2] = struct.pack(">H", (gid[ju][0] - shi) & 0xFFFF)
    return svg[: m.start(1)] + base64.b64encode(bytes(font)).decode() + svg[m.end(1) :]


def req(method, path, body=None):
    r = urllib.request.Request(
        "http://127.0.0.1:4446" + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    return json.load(urllib.request.urlopen(r, timeout=60))


def shoot(html_path, png_path):
    caps = {"webkitgtk:browserOptions": {"binary": MINIBROWSER, "args": ["--automation"]}}
    sid = req("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["value"]["sessionId"]
    try:
        req("POST", f"/session/{sid}/url", {"url": "file://" + os.path.abspath(html_path)})
        time.sleep(5)
        png = req("GET", f"/session/{sid}/screenshot")["value"]
        with open(png_path, "wb") as f:
            f.write(base64.b64decode(png))
    finally:
        req("DELETE", f"/session/{sid}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    svg = patched(open(sys.argv[1], encoding="utf-8").read())
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    head = '<html><head><meta charset="utf-8"></head><body style="margin:0">'
    pages = {
        "inline": head + svg + "</body></html>",
        "img": head
        + '<img src="data:image/svg+xml;base64,'
        + base64.b64encode(svg.encode()).decode()
        + '"></body></html>',
    }
    for name, html in pages.items():
        p = os.path.join(out, name + ".html")
        with open(p, "w", encoding="utf-8") as f:
            f.write(html)
        shoot(p, os.path.join(out, name + ".png"))
        print(os.path.join(out, name + ".png"))


if __name__ == "__main__":
    main()
