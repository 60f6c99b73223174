#!/bin/bash
# usage: frames-measure.sh BIN HOME DIR LOG ROUND
# DIR: a copy of a corpus (cp -r; never the shared corpus: this edits it) whose title index
# BIN has (warm; HOME holds XDG folders as in tui-measure.sh). Changes DIR (3 files edited,
# 1 removed, 1 added, in 1960.0(ROUND%9+1)), then a warm open in tmux (socket $TMUX_SOCKET, default frames)
# with DIGLOT_FRAME_LOG=LOG and `j` sent every 100 ms for 10 s, then q.
BIN=$1; H=$2; DIR=$3; LOG=$4; R=$5
ENV="HOME=$H XDG_CACHE_HOME=$H/cache XDG_STATE_HOME=$H/state XDG_CONFIG_HOME=$H/config XDG_DATA_HOME=$H/data DIGLOT_FRAME_LOG=$LOG"
mapfile -t F < <(ls $DIR/rmrb/1960.0$((R % 9 + 1))/ | head -5)
D=$DIR/rmrb/1960.0$((R % 9 + 1))
for k in 0 1 2; do cp "$D/${F[$k]}" $DIR.edit.tmp; echo "edited $R" >> $DIR.edit.tmp; mv $DIR.edit.tmp "$D/${F[$k]}"; done
rm "$D/${F[3]}"
sed "s/^Title: /Title: New $R /" "$D/${F[4]}" > "$D/1960-0$((R % 9 + 1))-28_new$R.md"
sleep 2.5
tmux -L ${TMUX_SOCKET:-frames} kill-session -t open-f 2>/dev/null
tmux -L ${TMUX_SOCKET:-frames} new-session -d -s open-f -x 200 -y 50 "env $ENV $BIN $DIR"
for i in $(seq 1 100); do sleep 0.1; tmux -L ${TMUX_SOCKET:-frames} send-keys -t open-f j; done
tmux -L ${TMUX_SOCKET:-frames} send-keys -t open-f q
sleep 1
tmux -L ${TMUX_SOCKET:-frames} kill-session -t open-f 2>/dev/null
