#!/bin/bash
# usage: idle-measure.sh BIN DIR HOME_DIR [KEYS...]
# Starts BIN on DIR in a detached tmux (120x35; HOME and the XDG folders under HOME_DIR, so a
# second run is a warm open), waits WARMUP (default 8) s, types KEYS (tmux key names, half a
# second apart), waits 2 s, then counts over 10 s of rest, per thread and in all: the CPU
# (/proc/PID/task/*/schedstat) and the wake-ups (voluntary context switches: each sleep
# follows a wake-up). An idle reader should show 0 of both. TMUX_SOCKET (default idle) keeps
# it apart from other measurements.
BIN=$1; DIR=$2; H=$3; shift 3
S=${TMUX_SOCKET:-idle}; M=idle-m
mkdir -p "$H/cache" "$H/config" "$H/state" "$H/data"
tmux -L $S kill-session -t $M 2>/dev/null
ENV="HOME=$H XDG_CACHE_HOME=$H/cache XDG_STATE_HOME=$H/state XDG_CONFIG_HOME=$H/config XDG_DATA_HOME=$H/data"
tmux -L $S new-session -d -s $M -x 120 -y 35 "env $ENV $BIN $DIR"
sleep "${WARMUP:-8}"
for k in "$@"; do tmux -L $S send-keys -t $M "$k"; sleep 0.5; done
sleep 2
PID=$(tmux -L $S list-panes -t $M -F '#{pane_pid}')
snap() {
  for t in /proc/$PID/task/*; do
    echo "$(basename $t) $(tr ' ' _ < $t/comm) $(awk '{print $1}' $t/schedstat) $(awk '/^voluntary_ctxt_switches/ {print $2}' $t/status)"
  done | sort
}
A=$(mktemp); B=$(mktemp)
snap > $A; sleep 10; snap > $B
join $A $B | awk '{c=($6-$3)/1000; w=$7-$4; tc+=c; tw+=w; if (c>0||w>0) printf "  %s %s cpu=%.0fus wakeups=%d\n", $1, $2, c, w}
  END {printf "idle 10 s: cpu=%.2f ms (%.2f ms per 5 s) wakeups=%d (%.1f/s)\n", tc/1000, tc/2000, tw, tw/10}'
rm -f $A $B
tmux -L $S send-keys -t $M q
sleep 1
tmux -L $S kill-session -t $M 2>/dev/null
