#!/bin/sh
# Routes the inbox by LA for one shard: moves INCOMING/<LA>/<year>/<file> to
# DEST/<LA>/<year>/<file> for every LA that MAP assigns to SHARD, so that
# `carestat pipeline --inbox DEST` against shard SHARD's services sees exactly its LAs.
#   route-inbox.sh MAP SHARD SHARDS INCOMING DEST
# MAP: lines "<three-digit LA code> <shard>", # comments (shards/la-shards.txt).
# Each shard's pod moves only its own LAs, so the pods of one run never race.
# A move is a rename on one volume (atomic); files named *.partial (an upload still
# being written) and hidden files are left where they are. A file that already waits
# in DEST under the same name is replaced by the newer upload.
# Exit 0 routed (or nothing to route), 2 unusable map or arguments.
set -eu

if [ $# -ne 5 ]; then
  echo "usage: route-inbox.sh MAP SHARD SHARDS INCOMING DEST" >&2
  exit 2
fi
map=$1 shard=$2 shards=$3 incoming=$4 dest=$5

case "$shard$shards" in
  *[!0-9]*|'') echo "route-inbox: SHARD ($shard) and SHARDS ($shards) must be numbers" >&2; exit 2 ;;
esac
if [ "$shard" -ge "$shards" ]; then
  echo "route-inbox: shard $shard is not below SHARDS=$shards" >&2
  exit 2
fi
if [ ! -r "$map" ]; then
  echo "route-inbox: cannot read the LA->shard map $map" >&2
  exit 2
fi

# Validate the whole map first: a bad line stops every shard, rather than routing a
# council's returns to the wrong place.
if ! awk -v shards="$shards" -v file="$map" '
  { sub(/#.*/, "") }
  NF == 0 { next }
  NF != 2 || $1 !~ /^[0-9][0-9][0-9]$/ || $2 !~ /^[0-9]+$/ {
    printf "route-inbox: %s line %d: expected \"<three-digit LA code> <shard>\"\n", file, NR > "/dev/stderr"; bad = 1; next }
  $2 + 0 >= shards + 0 {
    printf "route-inbox: %s line %d: LA %s on shard %s, but there are %s shards (0..%d)\n", file, NR, $1, $2, shards, shards - 1 > "/dev/stderr"; bad = 1; next }
  ($1 in seen) {
    printf "route-inbox: %s line %d: LA %s listed twice (also line %d)\n", file, NR, $1, seen[$1] > "/dev/stderr"; bad = 1; next }
  { seen[$1] = NR }
  END { exit bad }' "$map"; then
  exit 2
fi

las=$(awk -v k="$shard" '{ sub(/#.*/, "") } NF == 2 && $2 + 0 == k + 0 { print $1 }' "$map")

mkdir -p "$dest"
moved=0
if [ -d "$incoming" ]; then
  for la in $las; do
    [ -d "$incoming/$la" ] || continue
    for ydir in "$incoming/$la"/*; do
      [ -d "$ydir" ] || continue
      year=${ydir##*/}
      for f in "$ydir"/*; do
        [ -f "$f" ] || continue
        case "${f##*/}" in *.partial) continue ;; esac
        mkdir -p "$dest/$la/$year"
        mv -f "$f" "$dest/$la/$year/"
        moved=$((moved + 1))
      done
    done
  done
  # Shard 0 alone names what no shard takes, so that the log says it once.
  if [ "$shard" -eq 0 ]; then
    for d in "$incoming"/*; do
      [ -d "$d" ] || continue
      la=${d##*/}
      if ! awk -v la="$la" '{ sub(/#.*/, "") } NF == 2 && $1 == la { found = 1 } END { exit !found }' "$map"; then
        echo "route-inbox: $d: LA $la has no shard in $map; its files stay in incoming/" >&2
      fi
    done
  fi
fi
echo "route-inbox: shard $shard: moved $moved file(s) to $dest"
