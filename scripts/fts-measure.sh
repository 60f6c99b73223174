#!/bin/bash
# The figures of issue 15 (docs/BENCHMARKS.md): usage: scripts/fts-measure.sh NAME COUNT [RUNS]
# e.g. scripts/fts-measure.sh c10k 10000 3; corpora, caches and HOME under $BENCH (/tmp/fts-bench).
set -u
cd "$(dirname "$0")/.."
BENCH=${BENCH:-/tmp/fts-bench}
B=$PWD/target/release/diglot; G=$PWD/target/release/examples/gen_corpus
name=$1; count=$2; runs=${3:-5}
D=$BENCH/$name; DIR=$D/rmrb
export HOME=$BENCH/home XDG_CACHE_HOME=$BENCH/cache XDG_STATE_HOME=$BENCH/state XDG_CONFIG_HOME=$BENCH/config
mkdir -p $HOME
[ -d $DIR ] || nice $G --count $count --seed 1 --damaged 0 $D >/dev/null
echo "== $name folder bytes: $(du -sb $DIR | cut -f1)"
rg -c -F Title: $DIR >/dev/null   # warm the page cache
nice hyperfine -N --runs $runs --prepare "rm -rf $XDG_CACHE_HOME/diglot" "$B check $DIR" "$B index $DIR" --export-json $BENCH/$name-build.json 2>&1 | grep -vE "^\s*$"
rm -rf $XDG_CACHE_HOME/diglot
echo "== peak memory (index from nothing)"
nice /usr/bin/time -v $B index $DIR 2>&1 | grep -E "indexed|Maximum resident|Elapsed"
echo "== index size: $(du -sb $XDG_CACHE_HOME/diglot/fts-* | cut -f1) bytes"
echo "== queries vs rg"
nice hyperfine -N --warmup 2 --runs 10 "$B search --query 'tractor station' $DIR" "rg -l -F 'tractor station' $DIR" "$B search --query 毛主席 $DIR" "rg -l -F 毛主席 $DIR" 2>&1 | grep -vE "^\s*$"
echo "== freq, kwic first screen"
nice hyperfine --warmup 2 --runs 10 "$B freq 'tractor station' $DIR" "$B freq 毛主席 $DIR" "$B kwic 'tractor station' $DIR | head -40" "$B kwic 毛主席 $DIR | head -40" 2>&1 | grep -vE "^\s*$"
F=$(find $DIR -name '*.md' | sort | sed -n 100p)
echo "== update after one changed file ($F touched)"
nice hyperfine -N --runs $runs --prepare "touch $F" "$B index $DIR" 2>&1 | grep -vE "^\s*$"
$B index $DIR
touch $F; $B index $DIR
