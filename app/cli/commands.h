#pragma once
// The groups of commands. Each adds its commands (options, arguments, help text) to the CLI11
// app and registers the function that runs each one; the help is printed from these
// definitions alone (app/cli/help.h).

#include "app/cli/common.h"

#include <CLI/CLI.hpp>

namespace coinfer::cli {

/// plan, verify, compare, expand (app/cli/plan.cpp).
void addPlanCommands(CLI::App& app, Commands& commands);

/// dnn list|show, profile (measure, check, show, diff) (app/cli/dnn.cpp).
void addDnnCommands(CLI::App& app, Commands& commands);

/// simulate, train, compare-online (app/cli/online.cpp, simulate.cpp, compareonline.cpp).
void addOnlineCommands(CLI::App& app, Commands& commands);

/// sweep, sweep merge (app/cli/sweep.cpp).
void addSweepCommands(CLI::App& app, Commands& commands);

} // namespace coinfer::cli
