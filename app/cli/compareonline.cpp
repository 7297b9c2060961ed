// `coinfer compare-online`: DDPG for each planner against the fixed rules, tuned on the
// evaluation traces, and local computing, all on the same seeded test traces.
#include "app/cli/online.h"

#include "app/cli.h"
#include "app/cli/search.h"

#include "core/learning/ddpg.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <utility>

namespace coinfer::cli {
namespace {

/// The period (2 to 40 slots) with the best result on the evaluation traces.
double bestPeriodMs(const Scenario& s, OnlinePlanner planner, std::uint64_t evaluationSeed, int episodes)
{
    double bestPeriod = 0;
    OnlineResult best;
    for (int slots : {2, 5, 10, 20, 40}) {
        const double period = slots * s.online.slotMs;
        const OnlineResult r = evaluatePolicy(s, planner, periodicPolicy(period, s.online.slotMs), evaluationSeed, episodes);
        if (bestPeriod == 0 || betterOnlineResult(r, best)) {
            bestPeriod = period;
            best = r;
        }
    }
    return bestPeriod;
}

/// One row of compare-online: a policy with its planner (none for local) and, for the tuned
/// rules, the parameter the grid search chose.
struct ComparisonRow {
    std::string label;     ///< the table's name
    std::string policy;    ///< ddpg, threshold-best, periodic-best, immediate or local
    std::string planner;   ///< og, ip-ssa, or empty for local
    std::string parameter; ///< period_ms or threshold, or empty
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

/// What every row of one comparison shares: the scenario, the training and the seeds.
struct ComparisonRun {
    const Scenario& scenario;
    const std::string& scenarioPath;
    int episodes;
    int testEpisodes;
    std::uint64_t seed;
    const std::vector<int>& hidden;
    std::ostream& err;
    /// The training's evaluation traces, on which the agents are kept and the rules tuned.
    static constexpr int kEvaluationEpisodes = 5;
    /// The best fixed threshold per planner, once an agent's verdict has searched for it.
    mutable std::map<OnlinePlanner, double> tunedThresholds;
    double tunedThreshold(OnlinePlanner planner) const
    {
        if (!tunedThresholds.contains(planner))
            tunedThresholds[planner] = bestFixedThreshold(scenario, planner, evaluationSeed(), kEvaluationEpisodes).threshold;
        return tunedThresholds[planner];
    }
    // Training uses traces seeded online.seed + ..., selection the evaluation traces
    // (online.seed + 1000000 + i), and this comparison separate test traces.
    std::uint64_t testSeed() const { return scenario.online.seed + 2'000'000; }
    std::uint64_t evaluationSeed() const { return scenario.online.seed + 1'000'000; }
    OnlineResult test(OnlinePlanner planner, const DispatchPolicy& policy) const
    {
        return evaluatePolicy(scenario, planner, policy, testSeed(), testEpisodes);
    }
};

bool stopped()
{
    return g_cancelSearch.load();
}

/// @p rows with the DDPG agent trained for @p planner, unless a stop came before or during its
/// training; an error of the training ends the run.
Expected<std::vector<ComparisonRow>> withDdpgRow(const ComparisonRun& run, OnlinePlanner planner, std::vector<ComparisonRow> rows)
{
    if (stopped())
        return rows;
    return trainWithProgress(run.scenario, planner, run.episodes, run.seed, run.hidden, run.err, false)
        .transform([&](const DdpgPolicy& policy) {
            if (!stopped()) {
                const TrainingVerdict verdict = judgeTraining(run.scenario, policy, ComparisonRun::kEvaluationEpisodes);
                run.tunedThresholds[planner] = verdict.fixedRule.threshold;
                reportVerdict(verdict, run.scenarioPath, run.err);
            }
            if (!stopped())
                rows.push_back({"DDPG-" + onlinePlannerName(planner),
                                "ddpg",
                                onlinePlannerName(planner),
                                {},
                                0,
                                run.test(planner, ddpgDispatchPolicy(policy.actor))});
            return std::move(rows);
        });
}

/// @p rows with the fixed rules for each planner (immediate, then the period and the threshold
/// chosen on the evaluation traces) and local computing, each added only when no stop came
/// before it ends.
std::vector<ComparisonRow> withFixedRows(const ComparisonRun& run, std::vector<ComparisonRow> rows)
{
    const Scenario& s = run.scenario;
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        const std::string name = onlinePlannerName(planner);
        const std::string suffix = " (" + name + ")";
        if (stopped())
            return rows;
        rows.push_back({"immediate" + suffix, "immediate", name, {}, 0, run.test(planner, immediatePolicy())});
        const double periodMs = bestPeriodMs(s, planner, run.evaluationSeed(), ComparisonRun::kEvaluationEpisodes);
        if (stopped())
            return rows;
        rows.push_back({format("periodic:%g%s", periodMs, suffix.c_str()), "periodic-best", name, "period_ms", periodMs,
                        run.test(planner, periodicPolicy(periodMs, s.online.slotMs))});
        const double threshold = run.tunedThreshold(planner);
        if (stopped())
            return rows;
        rows.push_back({format("threshold:%.2f%s", threshold, suffix.c_str()), "threshold-best", name, "threshold", threshold,
                        run.test(planner, thresholdPolicy(threshold))});
    }
    OnlineResult local;
    for (int e = 0; e < run.testEpisodes; ++e)
        local.add(localOnlyResult(s, makeArrivalTrace(s, run.testSeed() + static_cast<std::uint64_t>(e))));
    if (!stopped())
        rows.push_back({"local", "local", {}, {}, 0, local});
    return rows;
}

/// The rows of compare-online in their order, each added only when no Ctrl-C or SIGTERM came
/// before it ends: a stopped training gives no row. Returns the rows finished; an error of a
/// training ends the run.
Expected<std::vector<ComparisonRow>> compareRows(const ComparisonRun& run)
{
    return withDdpgRow(run, OnlinePlanner::Og, {})
        .and_then([&](const std::vector<ComparisonRow>& rows) { return withDdpgRow(run, OnlinePlanner::IpSsa, rows); })
        .transform([&](const std::vector<ComparisonRow>& rows) { return withFixedRows(run, rows); });
}

/// The number of rows compare-online prints when it is not stopped.
constexpr size_t kComparisonRows = 9;

} // namespace

int commandCompareOnline(const CLI::App& command, Io io)
{
    const auto episodes = intOption(command, "--episodes", 1, 1'000'000, io.err);
    const auto testEpisodes = intOption(command, "--test-episodes", 1, 100000, io.err);
    const auto seed = intOption(command, "--seed", 0, 2'000'000'000, io.err);
    const auto outputFormat = choiceOption(command, "--format", {"table", "json"}, "coinfer compare-online", io.err);
    const auto hidden = hiddenOption(command, "coinfer compare-online", io.err);
    if (!episodes || !testEpisodes || !seed || !outputFormat || !hidden)
        return kExitBadInput;
    int status = kExitOk;
    std::optional<Scenario> scenario = onlineScenarioArgument(command, io.err, status);
    if (!scenario)
        return status;
    const Scenario& s = *scenario;
    // Ctrl-C, or SIGTERM at a cluster's time limit, ends the comparison after the row running;
    // the rows finished are printed, as sweep writes its finished points.
    std::optional<InterruptCancelsSearch> interrupts(std::in_place);
    const Expected<std::vector<ComparisonRow>> rows = compareRows(
        {s, arguments(command).front(), *episodes, *testEpisodes, static_cast<std::uint64_t>(*seed), *hidden, io.err, {}});
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

} // namespace coinfer::cli
