#!/bin/bash
# usage: tui-measure.sh BIN DIR EXPECTED_COUNT CACHE_DIR
# Starts diglot on DIR in a detached tmux (200x50), HOME and the XDG folders in CACHE_DIR's
# parent (CACHE_DIR is XDG_CACHE_HOME: the index lives there), and polls the screen.
# Prints: first_frame_s (the status bar is up), shown_s (" N articles" on screen and no
# "loading": the whole list shown; a warm open may still be checking the files), done_s
# (nothing loading or checking), idle CPU over 5 s, VmRSS after SETTLE (default 5) s idle,
# and the peak RSS (/usr/bin/time -v); cpu_to_shown / ui_to_shown: the CPU (user + system) of
# the whole process and of its main (UI) thread when the list is shown. FRAME_LOG=FILE passes DIGLOT_FRAME_LOG=FILE.
# TMUX_SOCKET and TMUX_SESSION (default scale, scale-m) let two measurements run apart;
# SMAPS=1 also prints the idle process's anonymous and file-backed resident kB.
BIN=$1; DIR=$2; N=$3; CACHE=$4
S=${TMUX_SOCKET:-scale}
M=${TMUX_SESSION:-scale-m}
HOMEDIR=$(dirname "$CACHE")
OUT=$(mktemp)
tmux -L $S kill-session -t $M 2>/dev/null
ENV="HOME=$HOMEDIR XDG_CACHE_HOME=$CACHE XDG_STATE_HOME=$HOMEDIR/state XDG_CONFIG_HOME=$HOMEDIR/config XDG_DATA_HOME=$HOMEDIR/data"
[ -n "$FRAME_LOG" ] && ENV="$ENV DIGLOT_FRAME_LOG=$FRAME_LOG"
# The poll forks one process per round (tmux capture-pane): the matching and the clock are
# bash's own ($EPOCHREALTIME, [[ ]]). With `grep`, `date` and `bc` forked each round (until
# session 10) the poll took ~0.25 of a core, which a cold open on 2 cores waited for; a
# round every 20 ms (was 10) halves what is left (~3 ms of CPU a round, the tmux client).
# Session 12: the wait between rounds is bash's own (`read -t` on a pipe nobody writes; it
# was `sleep`, a second fork a round) and a round every 50 ms (POLL=SECONDS to change it):
# polling a 200x50 pane took 0.18 of a core at 20 ms with `sleep`, 0.14 without, 0.07 at
# 50 ms (the tmux server and the poll loop, measured apart), all of it taken from the
# 2 cores the open being measured runs on; "shown" is then up to 50 ms late (25 on average).
us() { local t=${1/./}; echo $((10#$t)); }
since() { local d=$(( $(us "$1") - $(us "$t0") )); printf '%d.%06d' $((d / 1000000)) $((d % 1000000)); }
# the count as the status bar writes it since session 11 (430,000), or plainly (older builds)
NC=$(echo "$N" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta')
exec {NAP}<> <(:)
t0=$EPOCHREALTIME
tmux -L $S new-session -d -s $M -x 200 -y 50 "env $ENV /usr/bin/time -v -o $OUT $BIN $DIR"
first=""; shown=""; done_=""
for i in $(seq 1 6000); do
  scr=$(tmux -L $S capture-pane -p -t $M 2>/dev/null)
  now=$EPOCHREALTIME
  if [ -z "$first" ] && [[ $scr == *articles* ]]; then first=$(since $now); fi
  if [ -z "$shown" ] && { [[ $scr == *" $N articles"* ]] || [[ $scr == *" $NC articles"* ]]; } && [[ $scr != *loading* ]]; then shown=$(since $now)
    TP=$(tmux -L $S list-panes -t $M -F '#{pane_pid}'); DP=$(pgrep -P $TP diglot | head -1)
    [ -z "$DP" ] && DP=$(pgrep -P $(pgrep -P $TP | head -1) | head -1)
    tck=$(getconf CLK_TCK)
    cpu_all=$(awk -v t=$tck '{printf "%.2f", ($14+$15)/t}' /proc/$DP/stat)
    cpu_ui=$(awk -v t=$tck '{printf "%.2f", ($14+$15)/t}' /proc/$DP/task/$DP/stat)
  fi
  if [ -n "$shown" ] && [[ $scr != *checking* ]]; then done_=$(since $now); break; fi
  read -t ${POLL:-0.05} -u $NAP || :
done
sleep ${SETTLE:-5}
TPID=$(tmux -L $S list-panes -t $M -F '#{pane_pid}')
PID=$(pgrep -P $TPID diglot | head -1)
[ -z "$PID" ] && PID=$(pgrep -P $(pgrep -P $TPID | head -1) | head -1)
cpu_ns() { cat /proc/$PID/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s}'; }
a=$(cpu_ns)
sleep 5
b=$(cpu_ns)
idle_ms=$(echo "scale=2; ($b - $a) / 1000000" | bc)
vmrss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
smaps=""
[ -n "$SMAPS" ] && smaps=" $(awk '/^(Rss|Anonymous|Rss_File|Rss_Anon):/ {printf "%s%s ", $1, $2}' /proc/$PID/smaps_rollup 2>/dev/null; awk '/^(RssAnon|RssFile):/ {printf "%s%s ", $1, $2}' /proc/$PID/status)"
tmux -L $S send-keys -t $M q
for i in $(seq 1 200); do [ -s $OUT ] && grep -q "Maximum resident" $OUT && break; sleep 0.05; done
rss=$(grep "Maximum resident" $OUT | awk '{print $NF}')
tmux -L $S kill-session -t $M 2>/dev/null
rm -f $OUT
echo "first_frame=${first}s shown=${shown}s cpu_to_shown=${cpu_all}s ui_to_shown=${cpu_ui}s done=${done_}s idle_cpu=${idle_ms}ms/5s idle_rss=${vmrss}kB peak_rss=${rss}kB pid=$PID$smaps"
