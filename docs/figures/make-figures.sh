#!/bin/sh
# Regenerates the CSVs and images of docs/figures.md from the repository root:
#   docs/figures/make-figures.sh [path/to/coinfer]
# The sweeps need only the coinfer executable; the plots need python3-matplotlib.
# About 8 minutes on two shared cores.
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
$C sweep $H --vary max_batch=1,2,4,8,16,32 --repeats 3 --jobs 2 --output $D/maxbatch-h200.csv
