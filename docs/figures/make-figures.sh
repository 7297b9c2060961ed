#!/bin/sh
# Regenerates the CSVs and images of docs/figures.md from the repository root:
#   docs/figures/make-figures.sh [path/to/coinfer]
# The sweeps need only the coinfer executable; the plots need python3-matplotlib.
# About 10 minutes on two shared cores.
set -eu
C=${1:-build-core/app/coinfer}
D=docs/figures
H=$D/edge-h200-10mhz.json

$C sweep examples/campus.json --vary users=50:400:50 --repeats 3 --jobs 2 --output $D/users-campus.csv
$C sweep $H --vary users=100:1000:100 --repeats 3 --jobs 2 --output $D/users-h200.csv

$C sweep examples/campus.json --vary deadline_scale=0.5:3:0.25 --repeats 3 --jobs 2 --output $D/deadline-campus.csv
$C sweep $H --vary deadline_scale=0.5:2:0.25 --repeats 3 --jobs 2 --output $D/deadline-h200.csv

$C sweep examples/campus.json --vary bandwidth_mhz=1,2,3,5,7.5,10,15,20 --repeats 3 --jobs 2 --output $D/bandwidth-campus.csv
$C sweep $H --vary bandwidth_mhz=1,2,3,5,7.5,10,15,20 --repeats 3 --jobs 2 --output $D/bandwidth-h200.csv

$C sweep examples/campus.json --vary max_batch=1,2,4,8,16,32,64 --repeats 3 --jobs 2 --output $D/maxbatch-campus.csv
$C sweep $D/campus-10mhz.json --vary max_batch=1,2,4,8,16,32,64 --repeats 3 --jobs 2 --output $D/maxbatch-campus-10mhz.csv
$C sweep $H --vary max_batch=1,2,4,8,16,32 --repeats 3 --jobs 2 --output $D/maxbatch-h200.csv

# The images (python3-matplotlib).
P="${PYTHON:-python3} scripts/plot_sweep.py --coinfer $C"   # PYTHON=/usr/bin/python3 where python3 is another interpreter
T1="campus example: 200 phones, lecture CNN, illustrative GPU model"
T2="edge-h200-10mhz: 1000 phones, MobileNetV2, measured H200"
for f in users deadline bandwidth; do
  $P $D/$f-campus.csv --title "$T1" --output $D/$f-campus.png --output $D/$f-campus.svg
  $P $D/$f-h200.csv --logy --title "$T2" --output $D/$f-h200.png --output $D/$f-h200.svg
done
$P $D/maxbatch-campus.csv $D/maxbatch-campus-10mhz.csv --logx --title "$T1, 1 MHz" \
  --title "campus-10mhz: the same with 10 MHz per user" --output $D/maxbatch-campus.png --output $D/maxbatch-campus.svg
$P $D/maxbatch-h200.csv --logx --logy --title "$T2" --output $D/maxbatch-h200.png --output $D/maxbatch-h200.svg
$P $D/bandwidth-campus.csv $D/bandwidth-h200.csv --metric saving \
  --title "campus (200 phones, illustrative GPU)" --title "edge-h200-10mhz (1000 phones, measured H200)" \
  --output $D/bandwidth-saving.png --output $D/bandwidth-saving.svg
