#pragma once
// What the online-mode commands share (app/cli/online.cpp, simulate.cpp, compareonline.cpp):
// the planner option, the scenario with its online block, the result table and training.

#include "app/cli/common.h"

#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace coinfer::cli {

/// --planner as written (og or ip-ssa); nullopt after telling @p err.
std::optional<OnlinePlanner> plannerOption(const CLI::App& command, std::ostream& err);

/// The command's one scenario file (oneScenarioFile), which must have an online block, read with
/// its warnings on @p err; nullopt after saying why, with the exit status in @p status.
std::optional<Scenario> onlineScenarioArgument(const CLI::App& command, std::ostream& err, int& status);

/// The table's header and one row of it: energy per task, misses, batch, GPU, saving, tasks.
std::string resultHeader();
std::string resultLine(const std::string& name, const OnlineResult& r);

/// --hidden as written: 1 to 4 comma-separated layer sizes, each 1 to 4096; nullopt (after
/// telling @p err) otherwise.
std::optional<std::vector<int>> hiddenOption(const CLI::App& command, const char* prefix, std::ostream& err);

/// Trains one agent with a line per episode; Ctrl-C or SIGTERM ends it after the episode running
/// with the best policy so far. @p ownHandler: catch the signals here (false: the caller does,
/// for longer than the training).
Expected<DdpgPolicy> trainWithProgress(const Scenario& scenario, OnlinePlanner planner, int episodes, std::uint64_t seed,
                                       const std::vector<int>& hidden, std::ostream& err, bool ownHandler = true);

/// Tells @p err how the trained policy did against the best fixed threshold on its evaluation
/// traces: a warning that names the fixed rule and the command that uses it when the policy
/// loses, one line of its margin otherwise.
void reportVerdict(const TrainingVerdict& verdict, const std::string& scenarioPath, std::ostream& err);

/// `coinfer simulate` (app/cli/simulate.cpp).
int commandSimulate(const CLI::App& command, Io io);
/// `coinfer compare-online` (app/cli/compareonline.cpp).
int commandCompareOnline(const CLI::App& command, Io io);

} // namespace coinfer::cli
