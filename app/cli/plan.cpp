// The offline commands: plan, verify, compare, expand.
#include "app/cli.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "app/cli/search.h"

#include "core/io/fileio.h"
#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/comparison.h"
#include "core/planning/lowerbound.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"
#include "core/planning/search.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <unistd.h>

namespace coinfer::cli {
namespace {

/// Default wall-clock limits of the searching planners (SearchControl::timeLimitMs). Best stops
/// on its work budget; its clock is a safety stop only.
constexpr double kBestTimeLimitMs = kBestSafetyTimeLimitMs;
constexpr double kExactPlanTimeLimitMs = 10000;

bool isSearch(Algorithm algorithm)
{
    return algorithm == Algorithm::Best || algorithm == Algorithm::Exact;
}
/// The planners a time limit, Ctrl-C and SIGTERM stop: the searches, OG and IP-SSA (whose
/// bound iterations keep their best plan so far).
bool isStoppable(Algorithm algorithm)
{
    return isSearch(algorithm) || algorithm == Algorithm::Og || algorithm == Algorithm::IpSsa;
}

/// --time-limit-ms as given: nullopt when absent; an error naming the option when it is not a
/// positive finite number of milliseconds.
Expected<std::optional<double>> timeLimitOption(const CLI::App& command, const std::string& prefix)
{
    const std::optional<std::string> text = optionValue(command, "--time-limit-ms");
    if (!text)
        return std::optional<double>();
    const std::optional<double> value = parseDecimal(*text);
    if (value && *value > 0)
        return std::optional<double>(*value);
    return Unexpected(
        Error{ErrorCode::BadInput, prefix + ": --time-limit-ms must be a positive number of milliseconds, not '" + *text + "'"});
}

/// What `coinfer plan` was asked to do, checked before any file is read.
struct PlanRequest {
    std::string scenarioPath;
    std::string name; ///< the algorithm as given
    Algorithm algorithm = Algorithm::Best;
    std::string format;
    std::optional<double> timeLimitMs;
};

std::optional<PlanRequest> readPlanRequest(const CLI::App& command, std::ostream& err)
{
    const std::optional<std::string> file = oneScenarioFile(command, err);
    if (!file)
        return std::nullopt;
    PlanRequest request;
    request.scenarioPath = *file;
    request.name = *optionValue(command, "--algorithm");
    const std::optional<Algorithm> algorithm = algorithmFromName(request.name);
    if (!algorithm) {
        err << "coinfer plan: unknown algorithm '" << request.name
            << "'; use local, full-offload, no-batching, ip-ssa, og, best or exact\n";
        return std::nullopt;
    }
    request.algorithm = *algorithm;
    const std::optional<std::string> format = choiceOption(command, "--format", {"json", "table"}, "coinfer plan", err);
    if (!format)
        return std::nullopt;
    request.format = *format;
    const Expected<std::optional<double>> timeLimitMs = timeLimitOption(command, "coinfer plan");
    if (!timeLimitMs) {
        err << timeLimitMs.error().message << "\n";
        return std::nullopt;
    }
    // Accepting a limit that would be silently ignored would let a user believe it applied.
    if (*timeLimitMs && !isStoppable(request.algorithm)) {
        err << "coinfer plan: --time-limit-ms applies to best, exact, og and ip-ssa only, not to " << request.name << "\n";
        return std::nullopt;
    }
    request.timeLimitMs = *timeLimitMs;
    return request;
}

/// Runs the planner; a search stops at its time limit or at Ctrl-C and returns its plan.
Expected<Plan> runPlanner(const Scenario& scenario, const CostModel& model, const PlanRequest& request,
                          std::vector<Violation>& violations, std::ostream& err)
{
    PlanOptions planOptions;
    SearchControl& control = planOptions.control;
    // OG and IP-SSA have no default limit: they end by themselves.
    const double defaultMs = request.algorithm == Algorithm::Exact  ? kExactPlanTimeLimitMs
                             : request.algorithm == Algorithm::Best ? kBestTimeLimitMs
                                                                    : 0;
    control.timeLimitMs = request.timeLimitMs.value_or(defaultMs);
    control.cancel = &g_cancelSearch;
    // Progress only for a person watching: not in pipes, logs or in-process callers.
    std::optional<SearchProgressLine> progress;
    if (isSearch(request.algorithm) && &err == &std::cerr && isatty(STDERR_FILENO)) {
        progress.emplace(request.name, model.aloneLowerBoundMj(), err);
        progress->attach(control);
    }
    std::optional<InterruptCancelsSearch> interrupts;
    if (isStoppable(request.algorithm))
        interrupts.emplace();
    Expected<Plan> plan = makePlan(scenario, model, request.algorithm, &violations, planOptions);
    interrupts.reset();
    // Writing a plan of 10^6 users takes seconds: say apart how soon the planner itself stopped.
    if (g_cancelSearch.load())
        err << "coinfer plan: " << request.name << " returned " << sinceStopSignal() << " after " << stopSignalName() << "\n";
    if (progress)
        progress->finish();
    return plan;
}

/// Writes the plan, then says how a search ended and, for a plan that misses deadlines, who is late.
int reportPlan(const Scenario& scenario, const CostModel& model, const Plan& plan, const PlanRequest& request,
               const std::vector<Violation>& violations, const CLI::App& command, Io io)
{
    std::string text = request.format == "json" ? planToJson(scenario, plan) : planToTable(scenario, plan);
    // The table is read by a person, who should learn when no planner could do much better; the
    // plan file keeps its fields (the bound is in lower_bound_mj).
    if (request.format == "table") {
        // After a search a time limit or a signal ended, the sentence's bound is cut short too
        // (at 10^6 users it takes seconds); what it states stays proven.
        const bool stopNow = g_cancelSearch.load() || plan.searchEnd == searchEndName(SearchEnd::TimeLimit);
        const StopAsked stopped = [stopNow] { return stopNow || g_cancelSearch.load(); };
        if (const std::string sentence = describeGpuSaturation(gpuSaturation(model, stopped)); !sentence.empty())
            text += sentence + "\n";
    }
    if (const int written = emit(text, command, io); written != kExitOk)
        return written;
    if (isSearch(request.algorithm))
        io.err << searchVerdict(request.name, plan, g_cancelSearch.load());
    else if (!plan.searchEnd.empty()) // OG or IP-SSA stopped
        io.err << "coinfer plan: " << request.name << ": "
               << (g_cancelSearch.load() ? "stopped by " + stopSignalName() : plan.searchEnd)
               << "; the plan is the least-energy one of its bound iteration so far\n";
    if (plan.feasible)
        return kExitOk;
    io.err << "coinfer plan: " << request.name << " finds no plan that meets every deadline";
    const std::string late = lateUsers(scenario, plan);
    if (!late.empty())
        io.err << "; late: " << late;
    io.err << "\n";
    for (const Violation& violation : violations)
        io.err << "  " << violation.message << "\n";
    return kExitInfeasible;
}

int commandPlan(const CLI::App& command, Io io)
{
    const std::optional<PlanRequest> request = readPlanRequest(command, io.err);
    if (!request)
        return kExitBadInput;
    // Refused before a search spends its time limit, not after.
    if (const std::optional<std::string> output = optionValue(command, "--output"))
        if (const int refused = refuseOverwrite(command, "--output", *output, io.err); refused != kExitOk)
            return refused;
    Expected<Scenario> scenario = readScenarioWarning(request->scenarioPath, io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    const CostModel model(*scenario);
    std::vector<Violation> violations;
    Expected<Plan> plan = runPlanner(*scenario, model, *request, violations, io.err);
    if (!plan) {
        const int status = fail(io.err, plan.error());
        // OG stopped by a signal before its first plan (the flag is reset when a stoppable planner starts)
        return isStoppable(request->algorithm) && g_cancelSearch.load() ? stopSignalExitStatus() : status;
    }
    return reportPlan(*scenario, model, *plan, *request, violations, command, io);
}

int commandVerify(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 2) {
        io.err << "coinfer verify: give a scenario file and a plan file (see coinfer --help)\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = readScenarioWarning(files[0], io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    Expected<std::string> text = readTextFile(files[1]);
    if (!text)
        return fail(io.err, text.error());
    Expected<Plan> plan = parsePlan(*text, files[1], *scenario);
    if (!plan)
        return fail(io.err, plan.error());
    const CostModel model(*scenario);
    const std::vector<Violation> violations = verifyPlan(*scenario, model, *plan);
    if (!violations.empty()) {
        io.out << "infeasible: " << violations.size() << " broken constraint(s)\n";
        for (const Violation& violation : violations)
            io.out << "  " << violation.message << "\n";
        return kExitPlanBroken;
    }
    // A stated bound above a feasible plan's energy cannot be a true lower bound; the file's
    // bound is not ours to prove, so it is only reported.
    if (std::isfinite(plan->lowerBoundMj) && plan->lowerBoundMj > plan->totalEnergyMj * (1 + 1e-9) + 1e-9)
        io.err << format("coinfer verify: warning: %s: lower_bound_mj %.6f mJ is above the plan's total %.6f mJ, so it is not a "
                         "valid lower bound\n",
                         files[1].c_str(), plan->lowerBoundMj, plan->totalEnergyMj);
    io.out << format("feasible: %zu users meet their deadlines; total %.6f mJ\n", plan->users.size(), plan->totalEnergyMj);
    return kExitOk;
}

std::string compareTable(const std::vector<ComparisonRow>& rows, double strongestMj)
{
    std::string table = format("%-13s %14s %9s %8s %9s %10s %14s %8s\n", "algorithm", "energy_mJ", "saving_%", "batches",
                               "feasible", "time_ms", "bound_mJ", "gap_%");
    for (const ComparisonRow& row : rows) {
        const std::string name = algorithmName(row.algorithm);
        if (!row.plan) {
            const char* why = row.withoutPlan == "too big" ? "too big" : "stopped";
            table +=
                format("%-13s %14s %9s %8s %9s %10.2f %14s %8s\n", name.c_str(), "-", "-", "-", why, row.elapsedMs, "-", "-");
            continue;
        }
        const Plan& plan = *row.plan;
        const double gap = gapToBoundPercent(plan, strongestMj);
        const std::string bound = std::isfinite(plan.lowerBoundMj) ? format("%.3f", plan.lowerBoundMj) : "-";
        const std::string gapText = std::isfinite(gap) ? format("%.2f", gap) : "-";
        table += format("%-13s %14.3f %9.2f %8zu %9s %10.2f %14s %8s\n", name.c_str(), plan.totalEnergyMj, plan.savingPercent,
                        plan.batches.size(), plan.feasible ? "yes" : "NO", row.elapsedMs, bound.c_str(), gapText.c_str());
    }
    if (std::isfinite(strongestMj))
        table += format("gap_%% is to the strongest lower bound of all rows, %.3f mJ\n", strongestMj);
    return table;
}

int commandCompare(const CLI::App& command, Io io)
{
    const std::optional<std::string> file = oneScenarioFile(command, io.err);
    if (!file)
        return kExitBadInput;
    const Expected<std::optional<double>> timeLimitMs = timeLimitOption(command, "coinfer compare");
    if (!timeLimitMs) {
        io.err << timeLimitMs.error().message << "\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = readScenarioWarning(*file, io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    const CostModel model(*scenario);
    const Expected<std::vector<ComparisonRow>> rows = compareEveryPlanner(*scenario, model, *timeLimitMs);
    if (!rows)
        return fail(io.err, rows.error());
    io.out << compareTable(*rows, strongestBoundMj(*rows));
    if (const ComparisonRow* recommended = recommendedRow(*rows))
        io.out << "recommended: " << algorithmName(recommended->algorithm) << "\n";
    // Right after the recommendation: why it saves so little, when the GPU is the reason.
    if (const std::string sentence = describeGpuSaturation(gpuSaturation(model, [] { return g_cancelSearch.load(); }));
        !sentence.empty())
        io.out << sentence << "\n";
    for (const ComparisonRow& row : *rows) {
        if (!row.plan && row.withoutPlan != "too big")
            io.out << algorithmName(row.algorithm) << ": " << row.withoutPlan << " before its first plan\n";
        else if (row.plan && !row.plan->searchEnd.empty() && row.plan->searchEnd != searchEndName(SearchEnd::Completed))
            io.out << algorithmName(row.algorithm) << ": " << row.plan->searchEnd
                   << (row.plan->provenOptimal ? "; proven optimal\n" : "; not proven optimal\n");
    }
    return kExitOk;
}

int commandExpand(const CLI::App& command, Io io)
{
    const std::optional<std::string> file = oneScenarioFile(command, io.err);
    if (!file)
        return kExitBadInput;
    Expected<Scenario> scenario = readScenarioWarning(*file, io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    return emit(scenarioToJson(*scenario), command, io);
}

const std::string kScenarioHelp = "the scenario file (coinfer-scenario JSON)";

} // namespace

void addPlanCommands(CLI::App& app, Commands& commands)
{
    CLI::App* plan = commands.add(app, "plan",
                                  "Plan the scenario and write the plan (JSON to stdout unless --output is given).\n"
                                  "ALG is one of local, full-offload, no-batching, ip-ssa, og, best (default), exact.\n"
                                  "best: the least-energy plan found within a fixed work budget (the same plan every run;\n"
                                  "the time limit, default 60000 ms, is a safety stop), never above any other planner's\n"
                                  "feasible plan. exact: branch and bound over every partition and\n"
                                  "batch schedule (default limit 10000 ms). Both print to stderr whether the plan is proven\n"
                                  "optimal, its lower bound and gap; Ctrl-C stops the search and keeps its plan.\n"
                                  "og and ip-ssa take --time-limit-ms too; stopped, they keep their best plan so far.",
                                  commandPlan);
    addArgument(*plan, "SCENARIO.json", kScenarioHelp);
    addValueOption(*plan, "--algorithm", "ALG", "the planner: local, full-offload, no-batching, ip-ssa, og, best or exact",
                   "best");
    addValueOption(*plan, "--time-limit-ms", "MS",
                   "wall-clock limit of best (default 60000, a safety stop: best stops on its work budget), exact (default "
                   "10000), og and ip-ssa (default none)");
    addValueOption(*plan, "--output", "PLAN.json", "write the plan to this file instead of stdout");
    addValueOption(*plan, "--format", "json|table", "a plan file or a table for people", "json");

    CLI::App* verify = commands.add(
        app, "verify", "Re-time a plan and list every constraint it breaks; exit 0 only if it is feasible.", commandVerify);
    addArgument(*verify, "SCENARIO.json", kScenarioHelp);
    addArgument(*verify, "PLAN.json", "the plan file to check (coinfer-plan JSON)");

    CLI::App* compare = commands.add(app, "compare",
                                     "Run every planner and print energy, saving, batches, feasibility, time, each plan's\n"
                                     "lower bound and its gap to the strongest bound of all (best stops on its work budget,\n"
                                     "exact after MS, default 2000 ms, og and ip-ssa after MS when given). When the GPU's\n"
                                     "capacity caps the saving, a line says so with the largest saving any plan can reach\n"
                                     "(docs/algorithms.md section 8).",
                                     commandCompare);
    addArgument(*compare, "SCENARIO.json", kScenarioHelp);
    addValueOption(*compare, "--time-limit-ms", "MS",
                   "wall-clock limit of each of best, exact, og and ip-ssa (default 60000 for best, a safety\n"
                   "stop, 2000 for exact, none for og and ip-ssa); a stopped planner keeps its plan so far");

    CLI::App* expand = commands.add(
        app, "expand", "Write the scenario in the plain table form (device models and populations expanded).", commandExpand);
    addArgument(*expand, "SCENARIO.json", kScenarioHelp);
    addValueOption(*expand, "--output", "FILE.json", "write the scenario to this file instead of stdout");
}

} // namespace coinfer::cli
