#pragma once
// The `coinfer` command line (docs/formats.md#command-line), callable in-process for tests.

#include <iosfwd>
#include <string>
#include <vector>

namespace coinfer {

/// Exit statuses of the command line.
enum ExitStatus : int {
    kExitOk = 0,
    kExitPlanBroken = 1, ///< `verify`: the plan breaks a constraint
    kExitBadInput = 2,   ///< bad command line or bad input file
    kExitInfeasible = 3, ///< the scenario, or the chosen planner, has no feasible plan
    kExitNoDevice = 4,   ///< `profile`: no usable GPU, or a build without CUDA
};

namespace cli {
struct Profiler;
} // namespace cli

/// Runs one command; @p args excludes the program name. Output goes to @p out, messages to @p err.
/// `profile` and `profile check` measure with @p profiler when given (cli::gpuProfiler() in
/// coinfer-profile), and otherwise run the coinfer-profile program beside this one.
int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const cli::Profiler* profiler = nullptr);

} // namespace coinfer
