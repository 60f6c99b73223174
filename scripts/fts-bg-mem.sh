#!/bin/bash
# The reader's memory while it builds the full-text index in the background (issue 15).
# usage: scripts/fts-bg-mem.sh BIN DIR WORK
# WORK holds HOME and the XDG folders of this run (WORK/cache is XDG_CACHE_HOME). The title
# index is made first when missing (the reader run once for $WARMUP s, default 30, without the
# build: the open measured is warm), the full-text index is removed, then the reader is
# started on DIR in a detached tmux (100x30, socket $TMUX_SOCKET, default ftsmem) under
# /usr/bin/time -v. /proc/PID/status is sampled every 200 ms (0.2-0.7 s under load) until the
# status bar says "full-text index ready" (and 2 s after), then `q`. EXTRA_ENV="VAR=value ..."
# is passed to the reader (e.g. MIMALLOC_PURGE_DELAY=0).
# Each sample (WORK/samples.tsv): seconds, VmHWM, VmRSS, RssAnon, RssFile (kB), the CPU
# seconds of the indexing thread (tantivy's `thrd-tantivy-*`), of its merge threads
# (`merge_thread*`), of the rest, the segment files (.idx) and bytes in the index folder.
# NOBG=SECONDS: the same open with `background_index = false` (the config in WORK/config),
# sampled for that long: the reader's own peak, without the build.
# Prints one line: the peak (VmHWM and time's maximum resident), the most RssAnon and RssFile,
# when it was ready, the segments at the end. Nothing else is started in the process's tree.
set -u
BIN=$1; DIR=$2; WORK=$3
S=${TMUX_SOCKET:-ftsmem}; M=bgmem-$$
mkdir -p $WORK/home $WORK/state $WORK/config $WORK/data $WORK/cache
ENV="${EXTRA_ENV:-} HOME=$WORK/home XDG_CACHE_HOME=$WORK/cache XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data"
# a warm open: the title index made by the reader itself (30 s without the build)
if [ -z "${NOBG:-}" ] && ! ls $WORK/cache/diglot/index-* >/dev/null 2>&1; then
  NOBG=${WARMUP:-30} $0 $BIN $DIR $WORK >/dev/null
fi
rm -rf $WORK/cache/diglot/fts-*
mkdir -p $WORK/config/diglot
if [ -n "${NOBG:-}" ]; then echo "background_index = false" > $WORK/config/diglot/config.toml
else rm -f $WORK/config/diglot/config.toml; fi
OUT=$WORK/time.txt; SAMPLES=$WORK/samples.tsv
rm -f $OUT
t0=$(date +%s.%N)
tmux -L $S new-session -d -s $M -x 100 -y 30 "env $ENV /usr/bin/time -v -o $OUT $BIN $DIR"
PID=""
for i in $(seq 1 500); do
  TPID=$(tmux -L $S list-panes -t $M -F '#{pane_pid}' 2>/dev/null)
  PID=$(pgrep -P "$TPID" -x "$(basename $BIN | cut -c1-15)" | head -1)
  [ -z "$PID" ] && PID=$(pgrep -P "$(pgrep -P "$TPID" | head -1)" | head -1)
  [ -n "$PID" ] && break
  sleep 0.02
done
tick=$(getconf CLK_TCK)
threads() { # CPU seconds: indexing, merging, other (one awk over every thread's stat)
  awk -v k=$tick '{ i = index($0, "("); j = index($0, ") "); c = substr($0, i + 1, j - i - 1)
      split(substr($0, j + 2), f, " "); t = f[12] + f[13]
      if (c ~ /^thrd-tantivy/) a += t; else if (c ~ /^merge/) b += t; else o += t }
    END {printf "%.1f\t%.1f\t%.1f", a/k, b/k, o/k}' /proc/$PID/task/*/stat 2>/dev/null
}
echo -e "s\tVmHWM\tVmRSS\tRssAnon\tRssFile\tcpu_index\tcpu_merge\tcpu_other\tsegments\tbytes" > $SAMPLES
ready=""; end=""; n=0
while [ -d /proc/$PID ]; do
  now=$(date +%s.%N)
  st=$(awk '/^(VmRSS|RssAnon|RssFile|VmHWM):/ {printf "%s\t", $2}' /proc/$PID/status 2>/dev/null)
  f=$(ls -d $WORK/cache/diglot/fts-* 2>/dev/null | head -1)
  segs=0; bytes=0
  [ -n "$f" ] && segs=$(ls $f/*.idx 2>/dev/null | wc -l) && bytes=$(du -sb $f | cut -f1)
  echo -e "$(echo "$now - $t0" | bc)\t$st$(threads)\t$segs\t$bytes" >> $SAMPLES
  if [ -z "$ready" ] && [ $((n % 5)) = 0 ] && tmux -L $S capture-pane -p -t $M | grep -q "index ready"; then
    ready=$(echo "$now - $t0" | bc); end=$(echo "$now + 2" | bc)
  fi
  [ -n "${NOBG:-}" ] && [ -z "$end" ] && end=$(echo "$t0 + $NOBG" | bc)
  [ -n "$end" ] && [ "$(echo "$now > $end" | bc)" = 1 ] && break
  n=$((n + 1))
  sleep 0.2
done
tmux -L $S send-keys -t $M q
for i in $(seq 1 200); do grep -q "Maximum resident" $OUT 2>/dev/null && break; sleep 0.05; done
tmux -L $S kill-session -t $M 2>/dev/null
peak=$(grep "Maximum resident" $OUT | awk '{print $NF}')
awk -F'\t' -v ready="$ready" -v peak="$peak" 'NR > 1 {
    if ($4 > anon) anon = $4; if ($5 > file) file = $5; if ($2 > hwm) hwm = $2; segs = $9 }
  END { printf "peak=%d kB (time: %s kB) RssAnon_max=%d kB RssFile_max=%d kB ready=%ss segments=%d\n",
    hwm, peak, anon, file, ready, segs }' $SAMPLES
