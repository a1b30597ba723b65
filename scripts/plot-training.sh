#!/usr/bin/env bash
# Plots the curves of a training run (the training.csv that `sdnn train --out DIR` writes) with gnuplot: loss and
# accuracies per epoch, into DIR/training.png (or OUT).
#
# Usage: scripts/plot-training.sh DIR [OUT.png]
set -euo pipefail
dir="${1:?usage: scripts/plot-training.sh DIR [OUT.png]}"
csv="$dir/training.csv"
out="${2:-$dir/training.png}"
[[ -f $csv ]] || { echo "plot-training.sh: $csv: no such file (train with --out DIR)" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "plot-training.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 2; }
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,420 noenhanced
set output "$out"
set datafile separator ","
set key autotitle columnhead
set multiplot layout 1,2 title "sdnn train: $dir"
set xlabel "epoch"
set ylabel "cross-entropy"
set grid
set xrange [0:*]
plot "$csv" using 1:3 with linespoints title "train loss", \
     "$csv" using 1:(\$5 >= 0 ? \$5 : 1/0) with linespoints title "test loss"
set ylabel "accuracy (%)"
set key bottom right
plot "$csv" using 1:(100*\$4) with linespoints title "train", \
     "$csv" using 1:(\$6 >= 0 ? 100*\$6 : 1/0) with linespoints title "test"
unset multiplot
GNUPLOT
echo "$out"
