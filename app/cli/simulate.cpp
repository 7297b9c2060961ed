// `coinfer simulate`: seeded episodes (or a recorded trace) under one dispatch policy, the
// result as a table or JSON, and the first episode slot by slot with --record.
#include "app/cli/online.h"

#include "app/cli.h"
#include "app/cli/common.h"
#include "app/cli/search.h"

#include "core/io/fileio.h"
#include "core/io/traceio.h"
#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace coinfer::cli {
namespace {

/// A --policy of `coinfer simulate`, as written: immediate, local, periodic:<ms>,
/// threshold:<0..1> or ddpg:<policy.json>.
struct PolicySpec {
    enum class Kind { Immediate, Local, Periodic, Threshold, Ddpg } kind = Kind::Immediate;
    double value = 0; ///< the period in ms, or the threshold
    std::string path; ///< the policy file of ddpg
};

/// Reads @p spec; nullopt for an unknown kind or a number that is malformed or out of range.
std::optional<PolicySpec> parsePolicySpec(const std::string& spec)
{
    const auto startsWith = [&](const char* prefix) { return spec.rfind(prefix, 0) == 0; };
    if (spec == "immediate")
        return PolicySpec{PolicySpec::Kind::Immediate, 0, {}};
    if (spec == "local")
        return PolicySpec{PolicySpec::Kind::Local, 0, {}};
    if (startsWith("ddpg:"))
        return PolicySpec{PolicySpec::Kind::Ddpg, 0, spec.substr(5)};
    if (startsWith("periodic:")) {
        const std::optional<double> periodMs = parseDecimal(spec.substr(9));
        if (periodMs && *periodMs > 0)
            return PolicySpec{PolicySpec::Kind::Periodic, *periodMs, {}};
    } else if (startsWith("threshold:")) {
        const std::optional<double> threshold = parseDecimal(spec.substr(10));
        if (threshold && *threshold >= 0 && *threshold <= 1)
            return PolicySpec{PolicySpec::Kind::Threshold, *threshold, {}};
    }
    return std::nullopt;
}

/// A dispatch policy with the threshold it compares the smallest slack share with, which
/// --record writes beside each slot (none for immediate, periodic and local).
struct ChosenPolicy {
    DispatchPolicy dispatch;
    PolicyThreshold threshold;
};

/// The ddpg policy in @p path: readable and trained for @p planner; one trained on another
/// scenario is used with a warning on @p err.
Expected<ChosenPolicy> trainedPolicy(const std::string& path, const Scenario& scenario, OnlinePlanner planner, std::ostream& err)
{
    return readPolicy(path).and_then([&](const DdpgPolicy& trained) -> Expected<ChosenPolicy> {
        if (trained.planner != planner)
            return Unexpected(Error{ErrorCode::BadInput,
                                    path + ": this policy was trained to dispatch for " + onlinePlannerName(trained.planner) +
                                        ", not for --planner " + onlinePlannerName(planner) + "; pass --planner " +
                                        onlinePlannerName(trained.planner) + " or train one for " + onlinePlannerName(planner)});
        if (!trained.scenarioName.empty() && trained.scenarioName != scenario.name)
            err << "coinfer: warning: " << path << " was trained on scenario '" << trained.scenarioName << "', not on '"
                << scenario.name << "'\n";
        return ChosenPolicy{ddpgDispatchPolicy(trained.actor), ddpgThreshold(trained.actor)};
    });
}

/// The dispatch policy @p spec names (immediate for local, which does not dispatch).
Expected<ChosenPolicy> choosePolicy(const PolicySpec& spec, const Scenario& scenario, OnlinePlanner planner, std::ostream& err)
{
    switch (spec.kind) {
    case PolicySpec::Kind::Periodic:
        return ChosenPolicy{periodicPolicy(spec.value, scenario.online.slotMs), {}};
    case PolicySpec::Kind::Threshold:
        return ChosenPolicy{thresholdPolicy(spec.value), [value = spec.value](const OnlineObservation&) { return value; }};
    case PolicySpec::Kind::Ddpg:
        return trainedPolicy(spec.path, scenario, planner, err);
    default:
        return ChosenPolicy{immediatePolicy(), {}};
    }
}

/// The result as one line of JSON (coinfer-online-result).
std::string onlineResultJson(const std::string& policy, OnlinePlanner planner, int episodes, const OnlineResult& total)
{
    nlohmann::ordered_json result;
    result["format"] = "coinfer-online-result";
    result["version"] = 1;
    result["policy"] = policy;
    result["planner"] = onlinePlannerName(planner);
    result["episodes"] = episodes;
    result["tasks"] = total.tasks;
    result["energy_per_task_mj"] = total.energyPerTaskMj();
    result["deadline_misses"] = total.misses;
    result["mean_batch_size"] = total.meanBatchSize();
    result["gpu_utilisation"] = total.gpuUtilisation();
    result["saving_percent"] = total.savingPercent();
    return result.dump() + "\n";
}

/// Runs up to @p runs episodes seeded from @p firstSeed and adds their results to @p total.
/// Ctrl-C, or SIGTERM at a cluster's time limit, ends the run after the episode running, which
/// then does not count. Returns the number of episodes finished.
int runEpisodes(const Scenario& scenario, OnlinePlanner planner, const DispatchPolicy& policy, bool local,
                std::uint64_t firstSeed, int runs, OnlineResult& total)
{
    const InterruptCancelsSearch interrupts;
    for (int e = 0; e < runs; ++e) {
        const auto trace = makeArrivalTrace(scenario, firstSeed + static_cast<std::uint64_t>(e));
        const OnlineResult result = local ? localOnlyResult(scenario, trace) : runEpisode(scenario, planner, trace, policy);
        if (g_cancelSearch.load())
            return e;
        total.add(result);
    }
    return runs;
}

/// Replaces @p scenario's arrivals by the trace file of --trace, when one is given.
Expected<void> readTraceOption(const CLI::App& command, Scenario& scenario)
{
    const std::optional<std::string> tracePath = optionValue(command, "--trace");
    if (!tracePath)
        return {};
    std::vector<std::string> ids;
    for (const User& user : scenario.users)
        ids.push_back(user.id);
    return readArrivalTrace(*tracePath, ids, scenario.online.horizonMs).transform([&](const std::vector<TraceArrival>& trace) {
        scenario.online.trace = trace;
        scenario.online.tracePath = *tracePath;
    });
}

/// What simulate was asked to run, read from its options and arguments.
struct SimulateRequest {
    OnlinePlanner planner = OnlinePlanner::Og;
    int episodes = 1;
    int seed = -1;
    std::string format;
    std::string spec; ///< --policy as written
    PolicySpec policySpec;
    std::optional<std::string> recordPath;
};

/// The options of simulate; nullopt after a message on @p err for one that is wrong.
std::optional<SimulateRequest> readSimulateOptions(const CLI::App& command, std::ostream& err)
{
    const auto planner = plannerOption(command, err);
    const auto episodes = intOption(command, "--episodes", 1, 100000, err);
    const auto seed = intOption(command, "--seed", -1, 2'000'000'000, err);
    const auto format = choiceOption(command, "--format", {"table", "json"}, "coinfer simulate", err);
    if (!planner || !episodes || !seed || !format)
        return std::nullopt;
    return SimulateRequest{
        *planner, *episodes, *seed, *format, *optionValue(command, "--policy"), {}, optionValue(command, "--record")};
}

/// The table's line or the JSON of @p runs episodes.
std::string simulateResult(const SimulateRequest& request, int runs, const OnlineResult& total)
{
    const bool local = request.policySpec.kind == PolicySpec::Kind::Local;
    if (request.format == "json")
        return onlineResultJson(request.spec, request.planner, runs, total);
    return resultHeader() + resultLine(request.spec + (local ? "" : " (" + onlinePlannerName(request.planner) + ")"), total);
}

/// Runs the episodes asked for and prints their result; writes --record unless stopped.
int simulateEpisodes(const SimulateRequest& request, const Scenario& scenario, const ChosenPolicy& policy, Io io)
{
    const bool local = request.policySpec.kind == PolicySpec::Kind::Local;
    const std::uint64_t firstSeed = request.seed >= 0 ? static_cast<std::uint64_t>(request.seed) : scenario.online.seed;
    // A recorded trace is the same in every episode: replay it once.
    const int runs = scenario.online.trace.empty() ? request.episodes : 1;
    OnlineResult total;
    const int finished = runEpisodes(scenario, request.planner, policy.dispatch, local, firstSeed, runs, total);
    if (finished < runs) { // the finished episodes are reported, as sweep keeps its finished points
        if (finished > 0)
            io.out << simulateResult(request, finished, total);
        io.err << "coinfer simulate: stopped by " << stopSignalName() << " after " << finished << " of " << runs << " episodes; "
               << (finished > 0 ? "the result above is theirs" : "no result") << "; nothing was recorded\n";
        return stopSignalExitStatus();
    }
    if (request.recordPath && !local) {
        const std::string csv = recordEpisodeCsv(scenario, request.planner, firstSeed, policy.dispatch, policy.threshold);
        if (Expected<void> written = writeFileAtomically(*request.recordPath, csv); !written)
            return fail(io.err, written.error());
    }
    io.out << simulateResult(request, runs, total);
    return kExitOk;
}

} // namespace

int commandSimulate(const CLI::App& command, Io io)
{
    std::optional<SimulateRequest> request = readSimulateOptions(command, io.err);
    if (!request)
        return kExitBadInput;
    if (request->recordPath)
        if (const int refused = refuseOverwrite(command, "--record", *request->recordPath, io.err); refused != kExitOk)
            return refused;
    int status = kExitOk;
    std::optional<Scenario> scenario = onlineScenarioArgument(command, io.err, status);
    if (!scenario)
        return status;
    const std::optional<PolicySpec> policySpec = parsePolicySpec(request->spec);
    if (!policySpec) {
        io.err << "coinfer simulate: --policy must be immediate, local, periodic:<ms> (> 0), threshold:<0..1> or "
                  "ddpg:<policy.json>, "
                  "not '"
               << request->spec << "'\n";
        return kExitBadInput;
    }
    request->policySpec = *policySpec;
    const Expected<ChosenPolicy> policy = choosePolicy(*policySpec, *scenario, request->planner, io.err);
    if (!policy)
        return fail(io.err, policy.error());
    if (Expected<void> traced = readTraceOption(command, *scenario); !traced)
        return fail(io.err, traced.error());
    return simulateEpisodes(*request, *scenario, *policy, io);
}

} // namespace coinfer::cli
