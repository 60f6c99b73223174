#!/bin/bash
# usage: tui_measure.sh BIN DIR EXPECTED_COUNT CACHE_DIR
# Prints: first_frame_s  count_shown_s  idle_cpu_ms_in_5s  peak_rss_kB
BIN=$1; DIR=$2; N=$3; CACHE=$4
S=scale
OUT=$(mktemp)
tmux -L $S kill-session -t m 2>/dev/null
t0=$(date +%s.%N)
tmux -L $S new-session -d -s m -x 200 -y 50 "env XDG_CACHE_HOME=$CACHE /usr/bin/time -v -o $OUT $BIN $DIR"
first=""; shown=""
for i in $(seq 1 3000); do
  scr=$(tmux -L $S capture-pane -p -t m 2>/dev/null)
  now=$(date +%s.%N)
  if [ -z "$first" ] && echo "$scr" | grep -q "articles"; then first=$(echo "$now - $t0" | bc); fi
  if echo "$scr" | grep -q " $N articles" && ! echo "$scr" | grep -q "loading"; then shown=$(echo "$now - $t0" | bc); break; fi
  sleep 0.01
done
sleep ${SETTLE:-5}
TPID=$(tmux -L $S list-panes -t m -F '#{pane_pid}')
PID=$(pgrep -P $TPID diglot | head -1)
[ -z "$PID" ] && PID=$(pgrep -P $(pgrep -P $TPID | head -1) | head -1)
cpu_ns() { cat /proc/$PID/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s}'; }
a=$(cpu_ns)
sleep 5
b=$(cpu_ns)
idle_ms=$(echo "scale=2; ($b - $a) / 1000000" | bc)
tmux -L $S send-keys -t m q
for i in $(seq 1 200); do [ -s $OUT ] && grep -q "Maximum resident" $OUT && break; sleep 0.05; done
rss=$(grep "Maximum resident" $OUT | awk '{print $NF}')
tmux -L $S kill-session -t m 2>/dev/null
rm -f $OUT
echo "first_frame=${first}s shown=${shown}s idle_cpu=${idle_ms}ms/5s peak_rss=${rss}kB pid=$PID"
