#pragma once
// `coinfer dnn run` (app/cli/dnnrun.cpp): an ONNX model through the CPU reference.

#include "app/cli/common.h"

#include <CLI/CLI.hpp>

namespace coinfer::cli {

/// Adds `run` under the `dnn` command @p dnn.
void addDnnRunCommand(CLI::App& dnn, Commands& commands);

} // namespace coinfer::cli
