// The online-mode commands: simulate, train, compare-online.
#include "app/cli.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "app/cli/search.h"

#include "core/io/scenarioio.h"
#include "core/io/traceio.h"
#include "core/io/fileio.h"
#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/online/online.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <ostream>

namespace coinfer::cli {
namespace {

const char* const kPlannerNames[] = {"og", "ip-ssa"};

std::optional<OnlinePlanner> plannerOption(const CLI::App& command, std::ostream& err)
{
    const std::optional<std::string> name = choiceOption(command, "--planner", {kPlannerNames[0], kPlannerNames[1]}, "coinfer", err);
    if (!name)
        return std::nullopt;
    return *name == "og" ? OnlinePlanner::Og : OnlinePlanner::IpSsa;
}

Expected<Scenario> onlineScenario(const CLI::App& command, const char* prefix, std::ostream& err)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 1)
        return Unexpected(Error{ErrorCode::BadInput, std::string(prefix) + ": give exactly one scenario file"});
    Expected<Scenario> scenario = readScenarioWarning(files[0], err);
    if (scenario && !scenario->online.present)
        return Unexpected(Error{ErrorCode::BadInput, files[0] + ": online: is missing (online mode needs slot_ms, horizon_ms and "
                                                                "an arrival process; see examples/online.json)"});
    return scenario;
}

std::string resultLine(const std::string& name, const OnlineResult& r)
{
    return format("%-22s %11.3f %8d %9.2f %9.2f %9.1f %8d\n", name.c_str(), r.energyPerTaskMj(), r.misses, r.meanBatchSize(),
                  100 * r.gpuUtilisation(), r.savingPercent(), r.tasks);
}

std::string resultHeader()
{
    return format("%-22s %11s %8s %9s %9s %9s %8s\n", "policy", "mJ_per_task", "misses", "batch", "gpu_%", "saving_%", "tasks");
}

/// A --policy of `coinfer simulate`, as written: immediate, local, periodic:<ms>,
/// threshold:<0..1> or ddpg:<policy.json>.
struct PolicySpec {
    enum class Kind { Immediate, Local, Periodic, Threshold, Ddpg } kind = Kind::Immediate;
    double value = 0;   ///< the period in ms, or the threshold
    std::string path;   ///< the policy file of ddpg
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

/// The dispatch policy @p spec names (unused for local). A ddpg policy file must be readable and
/// trained for @p planner; one trained on another scenario is used with a warning on @p err.
Expected<DispatchPolicy> dispatchPolicy(const PolicySpec& spec, const Scenario& scenario, OnlinePlanner planner, std::ostream& err)
{
    switch (spec.kind) {
    case PolicySpec::Kind::Periodic: return periodicPolicy(spec.value, scenario.online.slotMs);
    case PolicySpec::Kind::Threshold: return thresholdPolicy(spec.value);
    case PolicySpec::Kind::Ddpg: {
        Expected<DdpgPolicy> trained = readPolicy(spec.path);
        if (!trained)
            return Unexpected(trained.error());
        if (trained->planner != planner)
            return Unexpected(Error{ErrorCode::BadInput, spec.path + ": this policy was trained to dispatch for "
                                                             + onlinePlannerName(trained->planner) + ", not for --planner "
                                                             + onlinePlannerName(planner) + "; pass --planner "
                                                             + onlinePlannerName(trained->planner) + " or train one for "
                                                             + onlinePlannerName(planner)});
        if (!trained->scenarioName.empty() && trained->scenarioName != scenario.name)
            err << "coinfer: warning: " << spec.path << " was trained on scenario '" << trained->scenarioName << "', not on '"
                << scenario.name << "'\n";
        return ddpgDispatchPolicy(trained->actor);
    }
    default: return immediatePolicy();
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

/// The first episode slot by slot as CSV, for plotting it (scripts/plot_online_burst.py):
/// slot start, tasks released since the slot before, pool size, smallest slack share, the
/// policy's threshold (empty for rules without one), whether the pool went, and the MMPP's
/// state (empty for other processes or per-user chains). O(slots x (policy + planning)).
std::string recordEpisodeCsv(const Scenario& scenario, OnlinePlanner planner, const std::vector<OnlineTask>& trace,
                             const DispatchPolicy& policy, const std::function<double(const OnlineObservation&)>& threshold,
                             std::uint64_t seed)
{
    const std::vector<MmppSegment> path =
        scenario.online.mmpp && !scenario.online.mmppPerUser && scenario.online.trace.empty() ? makeMmppPath(scenario.online, seed, 0)
                                                                                              : std::vector<MmppSegment>{};
    std::string csv = "slot_ms,arrivals,pool,min_slack_share,threshold,dispatched,mmpp_state\n";
    OnlineSimulator simulator(scenario, planner, trace);
    size_t segment = 0;
    int tasksBefore = 0;
    while (!simulator.done()) {
        const OnlineObservation o = simulator.observe();
        const int arrivals = simulator.result().tasks - tasksBefore;
        tasksBefore = simulator.result().tasks;
        const int dispatchesBefore = simulator.result().dispatches;
        const double value = threshold ? threshold(o) : -1;
        simulator.step(policy(o));
        while (segment + 1 < path.size() && path[segment].endMs <= o.nowMs)
            ++segment;
        csv += format("%g,%d,%d,%.4f,%s,%d,%s\n", o.nowMs, arrivals, o.poolSize, o.minSlackShare,
                      value >= 0 ? format("%.4f", value).c_str() : "", simulator.result().dispatches > dispatchesBefore ? 1 : 0,
                      path.empty() ? "" : std::to_string(path[segment].state).c_str());
    }
    return csv;
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

int commandSimulate(const CLI::App& command, Io io)
{
    const auto planner = plannerOption(command, io.err);
    const auto episodes = intOption(command, "--episodes", 1, 100000, io.err);
    const auto seed = intOption(command, "--seed", -1, 2'000'000'000, io.err);
    const auto format = choiceOption(command, "--format", {"table", "json"}, "coinfer simulate", io.err);
    if (!planner || !episodes || !seed || !format)
        return kExitBadInput;
    if (const std::optional<std::string> recordPath = optionValue(command, "--record"))
        if (const int refused = refuseOverwrite(command, "--record", *recordPath, io.err); refused != kExitOk)
            return refused;
    Expected<Scenario> scenario = onlineScenario(command, "coinfer simulate", io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    const std::string spec = *optionValue(command, "--policy");
    const std::optional<PolicySpec> policySpec = parsePolicySpec(spec);
    if (!policySpec) {
        io.err << "coinfer simulate: --policy must be immediate, local, periodic:<ms> (> 0), threshold:<0..1> or ddpg:<policy.json>, "
                  "not '"
               << spec << "'\n";
        return kExitBadInput;
    }
    const Expected<DispatchPolicy> policy = dispatchPolicy(*policySpec, *scenario, *planner, io.err);
    if (!policy)
        return fail(io.err, policy.error());
    const bool local = policySpec->kind == PolicySpec::Kind::Local;
    const std::uint64_t firstSeed = *seed >= 0 ? static_cast<std::uint64_t>(*seed) : scenario->online.seed;
    int runs = *episodes;
    if (const std::optional<std::string> tracePath = optionValue(command, "--trace")) {
        std::vector<std::string> ids;
        for (const User& user : scenario->users)
            ids.push_back(user.id);
        Expected<std::vector<TraceArrival>> trace = readArrivalTrace(*tracePath, ids, scenario->online.horizonMs);
        if (!trace)
            return fail(io.err, trace.error());
        scenario->online.trace = std::move(*trace);
        scenario->online.tracePath = *tracePath;
    }
    if (!scenario->online.trace.empty())
        runs = 1; // a recorded trace is the same in every episode: replay it once
    OnlineResult total;
    const int finished = runEpisodes(*scenario, *planner, *policy, local, firstSeed, runs, total);
    if (finished < runs) { // the finished episodes are reported, as sweep keeps its finished points
        if (finished > 0)
            io.out << (*format == "json" ? onlineResultJson(spec, *planner, finished, total)
                                         : resultHeader() + resultLine(spec + (local ? "" : " (" + onlinePlannerName(*planner) + ")"), total));
        io.err << "coinfer simulate: stopped by " << stopSignalName() << " after " << finished << " of " << runs
               << " episodes; " << (finished > 0 ? "the result above is theirs" : "no result") << "; nothing was recorded\n";
        return stopSignalExitStatus();
    }
    if (const std::optional<std::string> recordPath = optionValue(command, "--record"); recordPath && !local) {
        std::function<double(const OnlineObservation&)> threshold;
        if (policySpec->kind == PolicySpec::Kind::Threshold)
            threshold = [value = policySpec->value](const OnlineObservation&) { return value; };
        else if (policySpec->kind == PolicySpec::Kind::Ddpg)
            threshold = [actor = readPolicy(policySpec->path)->actor](const OnlineObservation& o) {
                return actor.predict(Eigen::Map<const Eigen::VectorXd>(o.features, OnlineObservation::kFeatures))(0, 0);
            };
        const std::string csv = recordEpisodeCsv(*scenario, *planner, makeArrivalTrace(*scenario, firstSeed), *policy, threshold, firstSeed);
        if (Expected<void> written = writeFileAtomically(*recordPath, csv); !written)
            return fail(io.err, written.error());
    }
    if (*format == "json")
        io.out << onlineResultJson(spec, *planner, runs, total);
    else
        io.out << resultHeader() << resultLine(spec + (local ? "" : " (" + onlinePlannerName(*planner) + ")"), total);
    return kExitOk;
}

/// --hidden as written: 1 to 4 comma-separated layer sizes, each 1 to 4096; nullopt (after
/// telling @p err) otherwise.
std::optional<std::vector<int>> hiddenOption(const CLI::App& command, const char* prefix, std::ostream& err)
{
    const std::string text = optionValue(command, "--hidden").value_or(hiddenLayersText(DdpgConfig{}.hidden));
    std::optional<std::vector<int>> sizes = parseHiddenLayers(text);
    if (!sizes)
        err << prefix << ": --hidden must be 1 to 4 layer sizes from 1 to 4096, separated by commas (e.g. 256,128), not '" << text << "'\n";
    return sizes;
}

/// Trains one agent with a line per episode; Ctrl-C or SIGTERM ends it after the episode running
/// with the best policy so far. @p ownHandler: catch the signals here (false: the caller does,
/// for longer than the training).
Expected<DdpgPolicy> trainWithProgress(const Scenario& scenario, OnlinePlanner planner, int episodes, std::uint64_t seed,
                                       const std::vector<int>& hidden, std::ostream& err, bool ownHandler = true)
{
    TrainingOptions training;
    training.planner = planner;
    training.episodes = episodes;
    training.ddpg.seed = seed;
    training.ddpg.hidden = hidden;
    training.progress = [&](const EpisodeReport& r) {
        err << format("  %s episode %3d/%d: reward %9.1f, %.3f mJ/task, %d misses, %6.0f steps/s | evaluation %.3f mJ/task, %d misses%s\n",
                      onlinePlannerName(planner).c_str(), r.episode, episodes, r.reward, r.energyPerTaskMj, r.misses, r.stepsPerSecond,
                      r.evaluationEnergyPerTaskMj, r.evaluationMisses, r.best ? "  (best so far)" : "")
            << std::flush;
        return !g_cancelSearch.load();
    };
    // Ctrl-C, or SIGTERM at a cluster's time limit, ends training after the episode running and
    // keeps the best policy, as a search keeps its plan.
    std::optional<InterruptCancelsSearch> interrupts;
    if (ownHandler)
        interrupts.emplace();
    Expected<DdpgPolicy> policy = trainDdpg(scenario, training);
    interrupts.reset();
    if (g_cancelSearch.load() && ownHandler)
        err << "  stopped by " << stopSignalName() << "; keeping the best policy so far\n";
    return policy;
}

int commandTrain(const CLI::App& command, Io io)
{
    const auto planner = plannerOption(command, io.err);
    const auto episodes = intOption(command, "--episodes", 1, 1'000'000, io.err);
    const auto seed = intOption(command, "--seed", 0, 2'000'000'000, io.err);
    const auto hidden = hiddenOption(command, "coinfer train", io.err);
    if (!planner || !episodes || !seed || !hidden)
        return kExitBadInput;
    if (!optionValue(command, "--output")) {
        io.err << "coinfer train: give --output POLICY.json\n";
        return kExitBadInput;
    }
    // Refused before training, not after hours of it.
    if (const int refused = refuseOverwrite(command, "--output", *optionValue(command, "--output"), io.err); refused != kExitOk)
        return refused;
    Expected<Scenario> scenario = onlineScenario(command, "coinfer train", io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    Expected<DdpgPolicy> policy = trainWithProgress(*scenario, *planner, *episodes, static_cast<std::uint64_t>(*seed), *hidden, io.err);
    if (!policy)
        return fail(io.err, policy.error());
    io.err << "  best policy from episode " << policy->episodes << ": " << policy->evaluationEnergyPerTaskMj << " mJ/task, "
           << policy->evaluationMisses << " misses on the evaluation traces\n";
    return emit(policyToJson(*policy), command, io);
}

/// Fewest misses first, then least energy.
bool better(const OnlineResult& a, const OnlineResult& b)
{
    return a.misses < b.misses || (a.misses == b.misses && a.energyMj < b.energyMj);
}

/// The period (2 to 40 slots) with the best result on the evaluation traces.
double bestPeriodMs(const Scenario& s, OnlinePlanner planner, std::uint64_t evaluationSeed)
{
    double bestPeriod = 0;
    OnlineResult best;
    for (int slots : {2, 5, 10, 20, 40}) {
        const double period = slots * s.online.slotMs;
        const OnlineResult r = evaluatePolicy(s, planner, periodicPolicy(period, s.online.slotMs), evaluationSeed, 3);
        if (bestPeriod == 0 || better(r, best)) {
            bestPeriod = period;
            best = r;
        }
    }
    return bestPeriod;
}

/// The threshold (0, 0.05, ..., 1) with the best result on the evaluation traces.
double bestThreshold(const Scenario& s, OnlinePlanner planner, std::uint64_t evaluationSeed)
{
    double bestValue = 0;
    OnlineResult best;
    for (int step = 0; step <= 20; ++step) {
        const double threshold = step / 20.0;
        const OnlineResult r = evaluatePolicy(s, planner, thresholdPolicy(threshold), evaluationSeed, 3);
        if (step == 0 || better(r, best)) {
            bestValue = threshold;
            best = r;
        }
    }
    return bestValue;
}

/// One row of compare-online: a policy with its planner (none for local) and, for the tuned
/// rules, the parameter the grid search chose.
struct ComparisonRow {
    std::string label;      ///< the table's name
    std::string policy;     ///< ddpg, threshold-best, periodic-best, immediate or local
    std::string planner;    ///< og, ip-ssa, or empty for local
    std::string parameter;  ///< period_ms or threshold, or empty
    double value = 0;
    OnlineResult result;
};

/// The rows as a JSON array (docs/formats.md#commands, compare-online --format json). O(rows).
std::string comparisonJson(const std::vector<ComparisonRow>& rows)
{
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const ComparisonRow& row : rows) {
        nlohmann::ordered_json entry;
        entry["policy"] = row.policy;
        entry["planner"] = row.planner.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(row.planner);
        entry["energy_per_task_mj"] = row.result.energyPerTaskMj();
        entry["misses"] = row.result.misses;
        entry["mean_batch"] = row.result.meanBatchSize();
        entry["gpu_busy"] = row.result.gpuUtilisation();
        entry["saving_percent"] = row.result.savingPercent();
        entry["tasks"] = row.result.tasks;
        if (!row.parameter.empty())
            entry[row.parameter] = row.value;
        array.push_back(std::move(entry));
    }
    return array.dump(2) + "\n";
}

/// The rows of compare-online in their order, each added only when no Ctrl-C or SIGTERM came
/// before it ends: a stopped training gives no row. Returns the rows finished; an error of a
/// training ends the run.
Expected<std::vector<ComparisonRow>> compareRows(const Scenario& s, int episodes, int testEpisodes, std::uint64_t seed,
                                                 const std::vector<int>& hidden, std::ostream& err)
{
    // Training uses traces seeded online.seed + ..., selection the evaluation traces
    // (online.seed + 1000000 + i), and this comparison separate test traces.
    const std::uint64_t testSeed = s.online.seed + 2'000'000;
    const std::uint64_t evaluationSeed = s.online.seed + 1'000'000;
    const auto test = [&](OnlinePlanner planner, const DispatchPolicy& policy) {
        return evaluatePolicy(s, planner, policy, testSeed, testEpisodes);
    };
    const auto stopped = [] { return g_cancelSearch.load(); };
    std::vector<ComparisonRow> rows;
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        Expected<DdpgPolicy> policy = trainWithProgress(s, planner, episodes, seed, hidden, err, false);
        if (!policy)
            return Unexpected(policy.error());
        if (stopped())
            return rows;
        rows.push_back({"DDPG-" + onlinePlannerName(planner), "ddpg", onlinePlannerName(planner), {}, 0,
                        test(planner, ddpgDispatchPolicy(policy->actor))});
    }
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        const std::string name = onlinePlannerName(planner);
        const std::string suffix = " (" + name + ")";
        if (stopped())
            return rows;
        rows.push_back({"immediate" + suffix, "immediate", name, {}, 0, test(planner, immediatePolicy())});
        // The period and the threshold are chosen on the evaluation traces, then tested.
        const double periodMs = bestPeriodMs(s, planner, evaluationSeed);
        if (stopped())
            return rows;
        rows.push_back({format("periodic:%g%s", periodMs, suffix.c_str()), "periodic-best", name, "period_ms", periodMs,
                        test(planner, periodicPolicy(periodMs, s.online.slotMs))});
        const double threshold = bestThreshold(s, planner, evaluationSeed);
        if (stopped())
            return rows;
        rows.push_back({format("threshold:%.2f%s", threshold, suffix.c_str()), "threshold-best", name, "threshold", threshold,
                        test(planner, thresholdPolicy(threshold))});
    }
    OnlineResult local;
    for (int e = 0; e < testEpisodes; ++e)
        local.add(localOnlyResult(s, makeArrivalTrace(s, testSeed + static_cast<std::uint64_t>(e))));
    if (!stopped())
        rows.push_back({"local", "local", {}, {}, 0, local});
    return rows;
}

/// The number of rows compare-online prints when it is not stopped.
constexpr size_t kComparisonRows = 9;

int commandCompareOnline(const CLI::App& command, Io io)
{
    const auto episodes = intOption(command, "--episodes", 1, 1'000'000, io.err);
    const auto testEpisodes = intOption(command, "--test-episodes", 1, 100000, io.err);
    const auto seed = intOption(command, "--seed", 0, 2'000'000'000, io.err);
    const auto outputFormat = choiceOption(command, "--format", {"table", "json"}, "coinfer compare-online", io.err);
    const auto hidden = hiddenOption(command, "coinfer compare-online", io.err);
    if (!episodes || !testEpisodes || !seed || !outputFormat || !hidden)
        return kExitBadInput;
    Expected<Scenario> scenario = onlineScenario(command, "coinfer compare-online", io.err);
    if (!scenario)
        return fail(io.err, scenario.error());
    const Scenario& s = *scenario;
    // Ctrl-C, or SIGTERM at a cluster's time limit, ends the comparison after the row running;
    // the rows finished are printed, as sweep writes its finished points.
    std::optional<InterruptCancelsSearch> interrupts(std::in_place);
    const Expected<std::vector<ComparisonRow>> rows =
        compareRows(s, *episodes, *testEpisodes, static_cast<std::uint64_t>(*seed), *hidden, io.err);
    interrupts.reset();
    if (!rows)
        return fail(io.err, rows.error());
    if (*outputFormat == "json") {
        io.out << comparisonJson(*rows);
    } else {
        io.out << "test traces: " << *testEpisodes << " episodes of " << s.online.horizonMs << " ms, seeds from "
               << s.online.seed + 2'000'000 << "\n"
               << resultHeader();
        for (const ComparisonRow& row : *rows)
            io.out << resultLine(row.label, row.result);
    }
    if (!g_cancelSearch.load())
        return kExitOk;
    io.err << "coinfer compare-online: stopped by " << stopSignalName() << " after " << rows->size() << " of " << kComparisonRows
           << " rows; the rows printed are complete\n";
    return stopSignalExitStatus();
}

const std::string kOnlineScenarioHelp = "a scenario file with an \"online\" block";
const std::string kPlannerHelp = "the planner each dispatch runs";

} // namespace

void addOnlineCommands(CLI::App& app, Commands& commands)
{
    CLI::App* simulate = commands.add(app, "simulate",
                                      "Online mode: run K seeded arrival traces with a dispatch POLICY: immediate, periodic:<ms>,\n"
                                      "threshold:<0..1>, ddpg:<policy.json> or local; report energy per task, deadline misses,\n"
                                      "mean batch size, GPU utilisation and the saving against local computing.",
                                      commandSimulate);
    addArgument(*simulate, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*simulate, "--planner", "og|ip-ssa", kPlannerHelp, "og");
    addValueOption(*simulate, "--policy", "POLICY", "when to dispatch the waiting tasks", "immediate");
    addValueOption(*simulate, "--episodes", "K", "the number of traces, 1 to 100000", "5");
    addValueOption(*simulate, "--seed", "S", "the first trace's seed; -1: the scenario's online seed", "-1");
    addValueOption(*simulate, "--format", "table|json", "a table for people or one line of JSON", "table");
    addValueOption(*simulate, "--record", "SLOTS.csv",
                   "write the first episode slot by slot (arrivals, pool, threshold, dispatches, MMPP state) as CSV");
    addValueOption(*simulate, "--trace", "ARRIVALS.csv",
                   "replay recorded arrivals (columns user,release_ms,deadline_ms; deadlines relative) once instead of\n"
                   "seeded traces");

    CLI::App* train = commands.add(app, "train", "Train a DDPG dispatch policy (Ctrl-C stops and keeps the best policy so far).",
                                   commandTrain);
    addArgument(*train, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*train, "--planner", "og|ip-ssa", kPlannerHelp, "og");
    addValueOption(*train, "--episodes", "E", "training episodes, 1 to 1000000", "100");
    addValueOption(*train, "--seed", "S", "the seed of the agent's weights and noise", "1");
    addValueOption(*train, "--hidden", "N,N,...", "the actor's and the critic's hidden layer sizes", "32,32");
    addValueOption(*train, "--output", "POLICY.json", "the policy file to write")->group(kNeededGroup);

    CLI::App* compareOnline = commands.add(app, "compare-online",
                                           "Train DDPG-OG and DDPG-IP-SSA, then compare them with immediate, periodic, the best fixed\n"
                                           "threshold (grid search) and local computing on the same seeded test traces.",
                                           commandCompareOnline);
    addArgument(*compareOnline, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*compareOnline, "--episodes", "E", "training episodes of each DDPG agent, 1 to 1000000", "100");
    addValueOption(*compareOnline, "--test-episodes", "K", "test traces, 1 to 100000", "5");
    addValueOption(*compareOnline, "--seed", "S", "the seed of the agents' weights and noise", "1");
    addValueOption(*compareOnline, "--hidden", "N,N,...", "the agents' hidden layer sizes (actor and critic)", "32,32");
    addValueOption(*compareOnline, "--format", "table|json",
                   "a table for people, or a JSON array of {policy, planner, energy_per_task_mj, misses, mean_batch,\n"
                   "gpu_busy, saving_percent, tasks} (threshold-best and periodic-best add threshold and period_ms)",
                   "table");
}

} // namespace coinfer::cli
