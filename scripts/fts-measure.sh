#!/bin/bash
# The figures of issue 15 (docs/BENCHMARKS.md), this build against an older diglot in the same
# hyperfine runs. Usage: scripts/fts-measure.sh DIR [OLD_BINARY] [RUNS] [SKIP_OLD_BUILD]
#   e.g. scripts/fts-measure.sh /work/corpora/c100k /work/bin/diglot-e362fb3 5
# DIR: a corpus (examples/gen_corpus); caches and HOME under $BENCH (default /tmp/fts-bench),
# one cache folder per binary (the index formats differ). SKIP_OLD_BUILD=1 keeps the old
# binary's index as it is (when it was built and measured before: at 430k it takes long).
set -u
cd "$(dirname "$0")/.."
BENCH=${BENCH:-/tmp/fts-bench}
B=$PWD/target/release/diglot
D=$1; O=${2:-}; runs=${3:-5}; skip_old=${4:-0}
NEW=$BENCH/new; OLD=$BENCH/old
mkdir -p $NEW/home $OLD/home
export HOME=$NEW/home XDG_CACHE_HOME=$NEW/cache XDG_STATE_HOME=$NEW/state XDG_CONFIG_HOME=$NEW/config
o() { echo "env HOME=$OLD/home XDG_CACHE_HOME=$OLD/cache $O"; }
hf() { nice hyperfine "$@" 2>&1 | grep -vE "^\s*$"; }
echo "== $D: $(du -sb $D | cut -f1) bytes; $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
rg -c -F Title: $D >/dev/null   # warm the page cache
echo "== build from nothing (one run each), peak RSS by /usr/bin/time -v"
cmds=("$B check $D" "/usr/bin/time -o $BENCH/new.time -v $B index $D")
preps=(--prepare true --prepare "rm -rf $NEW/cache/diglot")
if [ -n "$O" ] && [ "$skip_old" != 1 ]; then
  cmds+=("/usr/bin/time -o $BENCH/old.time -v $(o) index $D")
  preps+=(--prepare "rm -rf $OLD/cache/diglot")
fi
# one --prepare per command: each removes only its own binary's index
hf -N -i --runs 1 "${preps[@]}" "${cmds[@]}"
for t in new old; do
  [ -f $BENCH/$t.time ] && echo "$t: $(grep -E 'Maximum resident' $BENCH/$t.time)"
done
echo "== index bytes: new $(du -sb $NEW/cache/diglot/fts-* | cut -f1)"
[ -n "$O" ] && echo "== index bytes: old $(du -sb $OLD/cache/diglot/fts-* | cut -f1)"
echo "== bytes by kind of segment file (new)"
for x in pos idx term store fast fieldnorm; do
  echo "$x $(find $NEW/cache/diglot/fts-* -name "*.$x" -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
done
echo "segments $(ls $NEW/cache/diglot/fts-*/*.idx | wc -l)"
for q in 毛主席 社会主义 '"tractor station"'; do
  f=${q//\"/}
  echo "== search --query $q vs rg -l -F $f"
  cmds=("$B search --query '$q' $D" "rg -l -F '$f' $D")
  [ -n "$O" ] && cmds+=("$(o) search --query '$q' $D")
  # -i: rg exits 1 when it finds nothing (a term absent from a generated corpus)
  hf -N -i --warmup 1 --runs $runs "${cmds[@]}"
done
echo "== freq, kwic first screen"
cmds=("$B freq 毛主席 $D" "$B freq 的 $D" "$B freq '\"tractor station\"' $D" "$B kwic 毛主席 $D | head -40"
  "$B kwic '\"tractor station\"' $D | head -40")
[ -n "$O" ] && cmds+=("$(o) freq 毛主席 $D" "$(o) kwic 毛主席 $D | head -40")
hf -S bash --warmup 1 --runs $runs "${cmds[@]}"
# the update after one touched file: never in DIR (shared corpora are not written to, not
# even their times); UPDATE_DIR=a writable copy of a corpus, indexed once before
if [ -n "${UPDATE_DIR:-}" ]; then
  F=$(find $UPDATE_DIR -name '*.md' | sort | sed -n 100p)
  echo "== update after one touched file ($F)"
  cmds=("$B index $UPDATE_DIR")
  [ -n "$O" ] && cmds+=("$(o) index $UPDATE_DIR")
  hf -N --runs 3 --prepare "touch $F" "${cmds[@]}"
fi
