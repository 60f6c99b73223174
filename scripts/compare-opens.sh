#!/bin/bash
# usage: compare-opens.sh DIR N TAG BIN[@N]...  (issue 14 figures; BIN@N: that binary shows N articles)
# Per binary, interleaved: 2 cold opens (a fresh cache each) then 3 warm opens, through
# tui-measure.sh (background_index = false), then hyperfine medians of `find DIR -type f | wc -l`
# and `rg -c -F Title: DIR`. Caches and results under $WORK (default /tmp/diglot-compare).
DIR=$1; N=$2; TAG=$3; shift 3
M=${WORK:-/tmp/diglot-compare}/$TAG; mkdir -p "$M"
# (798618d predates the full-text index and refuses the setting)
cfg() { rm -rf $1; mkdir -p $1/config/diglot $1/cache; case $2 in *798618d*) : > $1/config/diglot/config.toml;; *) printf 'background_index = false\n' > $1/config/diglot/config.toml;; esac; }
find $DIR -type f -print0 | xargs -0 cat > /dev/null
echo "== $TAG $DIR N=$N $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in 1 2; do
  i=0; for BN in "$@"; do i=$((i+1)); B=${BN%@*}; NB=$N; [ "$BN" != "$B" ] && NB=${BN#*@}; cfg $M/b$i $B
    echo "cold $r $(basename $B): $(bash "$(dirname "$0")"/tui-measure.sh $B $DIR $NB $M/b$i/cache)"
  done
done
for r in 1 2 3; do
  i=0; for BN in "$@"; do i=$((i+1)); B=${BN%@*}; NB=$N; [ "$BN" != "$B" ] && NB=${BN#*@}
    echo "warm $r $(basename $B): $(bash "$(dirname "$0")"/tui-measure.sh $B $DIR $NB $M/b$i/cache)"
  done
done
hyperfine -w 1 -r 5 -S bash --export-json ${WORK:-/tmp/diglot-compare}/$TAG-hf.json "find $DIR -type f | wc -l" "rg -c -F Title: $DIR" >/dev/null 2>&1
python3 -c "import json;d=json.load(open('${WORK:-/tmp/diglot-compare}/$TAG-hf.json'));[print(r['command'],'median',round(r['median'],3)) for r in d['results']]"
echo "== end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
