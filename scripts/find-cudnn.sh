#!/usr/bin/env bash
# Prints the folder holding include/cudnn.h and lib/libcudnn.so* when cuDNN is not in the CUDA
# toolkit's folders: that of PyTorch's nvidia-cudnn wheel. Prints nothing (exit 1) if none.
set -uo pipefail
for dir in /usr/local/cuda/include /usr/include; do
  [[ -f $dir/cudnn.h ]] && exit 0
done
for base in $(python3 -c 'import nvidia; print(" ".join(nvidia.__path__))' 2>/dev/null); do
  header=$(find "$base" -maxdepth 4 -name cudnn.h -path '*include*' 2>/dev/null | head -n 1)
  if [[ -n $header ]]; then
    dirname "$(dirname "$header")"
    exit 0
  fi
done
exit 1
