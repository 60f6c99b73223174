#!/usr/bin/env bash
# Makes assets/screenshot.png, the README's picture: a real capture of the running reader.
#
# The release binary runs in a detached tmux session (100x30 by default) on the embedded seed
# article; Enter focuses the reader, `w` puts the word cursor on the first Chinese word shown
# and `l` moves it, so the picture shows the word cursor with its dictionary panel (the
# screen is captured once the panel shows the word's HSK line, i.e. the dictionary has
# loaded); `tmux capture-pane -e -p` gives the screen as text with
# its colours (SGR escapes). A small Python converter lays every terminal cell out on a fixed
# grid in HTML (a double-width CJK character takes exactly two cells, whatever the fonts'
# advances), and headless Chromium renders that page to PNG.
#
# Needs: cargo, tmux, python3, chromium, and the fonts (Debian):
#   apt-get install -y tmux python3 chromium fonts-noto-cjk fonts-dejavu-core
# (`--install` runs that apt-get when it is missing something and we are root.)
#
# Usage: scripts/screenshot.sh [--install] [OUT.png]
#        COLS=100 ROWS=30 SCALE=1 KEYS="Enter w l l" WAIT=HSK (the text to wait for after the keys)
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
if [[ "${1:-}" == "--install" ]]; then
    install=1
    shift
fi
out=${1:-assets/screenshot.png}
cols=${COLS:-100}
rows=${ROWS:-30}
scale=${SCALE:-1}
keys=${KEYS:-Enter w l l}
want_after=${WAIT:-HSK}

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
missing=()
for tool in tmux python3 fc-list; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -n "$chromium" ]] || missing+=(chromium)
if command -v fc-list >/dev/null; then
    fc-list | grep "Noto Sans Mono CJK SC" >/dev/null || missing+=(fonts-noto-cjk)
    fc-list | grep "DejaVu Sans Mono" >/dev/null || missing+=(fonts-dejavu-core)
fi
if ((${#missing[@]})); then
    if ((install)) && [[ $(id -u) == 0 ]]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            tmux python3 chromium fonts-noto-cjk fonts-dejavu-core fontconfig >/dev/null
        chromium=$(command -v chromium)
    else
        echo "screenshot.sh: missing ${missing[*]}" >&2
        echo "  apt-get install -y tmux python3 chromium fonts-noto-cjk fonts-dejavu-core" >&2
        echo "  (or run: scripts/screenshot.sh --install)" >&2
        exit 1
    fi
fi

cargo build --release --quiet
bin=$PWD/target/release/diglot

work=$(mktemp -d)
sock="diglot-shot-$$"
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# a tmux of our own: no status line (the window is the whole 100x30), no user config
cat >"$work/tmux.conf" <<'EOF'
set -g status off
set -g default-terminal "tmux-256color"
set -g escape-time 10
EOF
mkdir -p "$work/home" "$work/config" "$work/data" "$work/state" "$work/cache"
tmux -L "$sock" -f "$work/tmux.conf" new-session -d -s shot -x "$cols" -y "$rows" \
    "env HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data \
     XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache LANG=C.UTF-8 $bin"

capture() { tmux -L "$sock" capture-pane -t shot -p "$@"; }

# waits (up to 20 s) until the screen holds $1, then until it stops changing
wait_screen() {
    local want=$1 prev="" now
    for _ in $(seq 200); do
        now=$(capture)
        if [[ "$now" == *"$want"* && "$now" == "$prev" ]]; then
            return 0
        fi
        prev=$now
        sleep 0.1
    done
    echo "screenshot.sh: the screen never showed '$want':" >&2
    capture >&2
    exit 1
}

wait_screen "1/1"
before=$(capture)
for k in $keys; do
    tmux -L "$sock" send-keys -t shot "$k"
    sleep 0.3
done
# the focus change redraws the screen
for _ in $(seq 100); do
    [[ "$(capture)" != "$before" ]] && break
    sleep 0.1
done
wait_screen "$want_after"
capture -e -N >"$work/screen.ansi"

python3 - "$work/screen.ansi" "$work/screen.html" "$cols" "$rows" <<'PY'
"""ANSI screen text (tmux capture-pane -e) -> HTML with every cell on a fixed grid."""
import html
import re
import sys
import unicodedata

src, dst, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
CW, RH, FS = 10, 20, 16  # cell width, row height, font size (px)
BG, FG = "#1b1d23", "#d7dae0"
PALETTE = [
    "#1b1d23", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#d7dae0",
    "#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#82c4ff", "#e09cff", "#7fdbe6", "#ffffff",
]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


def wide(ch):
    return unicodedata.east_asian_width(ch) in ("W", "F")


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline, self.reverse)

    def apply(self, params):
        ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(ps):
            p = ps[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 3:
                self.italic = True
            elif p == 4:
                self.underline = True
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 23:
                self.italic = False
            elif p == 24:
                self.underline = False
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37:
                self.fg = PALETTE[p - 30]
            elif p == 39:
                self.fg = None
            elif 40 <= p <= 47:
                self.bg = PALETTE[p - 40]
            elif p == 49:
                self.bg = None
            elif 90 <= p <= 97:
                self.fg = PALETTE[p - 90 + 8]
            elif 100 <= p <= 107:
                self.bg = PALETTE[p - 100 + 8]
            elif p in (38, 48) and i + 1 < len(ps):
                if ps[i + 1] == 5 and i + 2 < len(ps):
                    color = xterm256(ps[i + 2])
                    i += 2
                elif ps[i + 1] == 2 and i + 4 < len(ps):
                    color = "#%02x%02x%02x" % tuple(ps[i + 2 : i + 5])
                    i += 4
                else:
                    color = None
                if p == 38:
                    self.fg = color
                else:
                    self.bg = color
            i += 1

    def css(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        out = ["color:" + fg]
        if bg != BG:
            out.append("background:" + bg)
        if self.bold:
            out.append("font-weight:bold")
        if self.dim:
            out.append("opacity:.55")
        if self.italic:
            out.append("font-style:italic")
        if self.underline:
            out.append("text-decoration:underline")
        return ";".join(out)


text = open(src, encoding="utf-8", errors="replace").read()
lines = text.split("\n")[:rows]
grid = []  # rows of (char, css, width)
for line in lines:
    style, row, col = Style(), [], 0
    for tok in re.findall(r"\x1b\[[0-9;:]*[A-Za-z]|\x1b.|.", line, re.S):
        if tok.startswith("\x1b"):
            if tok.endswith("m"):
                style.apply(tok[2:-1].replace(":", ";"))
            continue
        w = 2 if wide(tok) else 1
        if unicodedata.combining(tok) or col + w > cols:
            continue
        row.append((tok, style.css(), w))
        col += w
    while col < cols:
        row.append((" ", Style().css(), 1))
        col += 1
    grid.append(row)
while len(grid) < rows:
    grid.append([(" ", Style().css(), 1)] * cols)

VERT = {"│": 1, "┃": 2}
out = []
for row in grid:
    cells = []
    for ch, css, w in row:
        cls = "c w" if w == 2 else "c"
        if ch in VERT:
            # a full-height line, so the separators are unbroken from row to row
            m = re.search(r"color:(#[0-9a-f]+)", css)
            color = m.group(1) if m else FG
            t = VERT[ch]
            grad = (
                f"linear-gradient(to right, transparent calc(50% - {t / 2}px), {color} "
                f"calc(50% - {t / 2}px), {color} calc(50% + {t / 2}px), transparent "
                f"calc(50% + {t / 2}px))"
            )
            cells.append(f'<span class="{cls}" style="{css};background-image:{grad}"></span>')
        else:
            cells.append(f'<span class="{cls}" style="{css}">{html.escape(ch)}</span>')
    out.append('<div class="r">' + "".join(cells) + "</div>")

page = f"""<!doctype html><meta charset="utf-8"><style>
html, body {{ margin: 0; background: {BG}; }}
.t {{ padding: 16px; font: {FS}px/{RH}px "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; }}
.r {{ height: {RH}px; white-space: pre; display: flex; }}
.c {{ display: inline-block; width: {CW}px; height: {RH}px; overflow: visible; flex: none; }}
.w {{ width: {2 * CW}px; font-family: "Noto Sans Mono CJK SC", "Noto Sans CJK SC", sans-serif;
      font-size: {FS + 2}px; text-align: center; }}
</style><div class="t">{"".join(out)}</div>"""
open(dst, "w", encoding="utf-8").write(page)
PY

read -r width height < <(python3 -c "print($cols * 10 + 32, $rows * 20 + 32)")
mkdir -p "$(dirname "$out")"
out_abs=$(realpath -m "$out")
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor="$scale" \
    --window-size="$width,$height" --screenshot="$out_abs" "file://$work/screen.html" >/dev/null 2>&1
echo "screenshot.sh: wrote $out ($(du -k "$out" | cut -f1) KB, ${cols}x${rows} cells)"
