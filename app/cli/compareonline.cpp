// `coinfer compare-online`: DDPG for each planner against the fixed rules, tuned on the
// evaluation traces, and local computing, all on the same seeded test traces.
#include "app/cli/online.h"

#include "app/cli.h"
#include "app/cli/common.h"
#include "app/cli/search.h"

#include "core/learning/ddpg.h"
#include "core/learning/onlinecomparison.h"
#include "core/learning/policy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace coinfer::cli {
namespace {

/// The rows as a JSON array (docs/formats.md#commands, compare-online --format json). O(rows).
std::string comparisonJson(const std::vector<OnlineComparisonRow>& rows)
{
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const OnlineComparisonRow& row : rows) {
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
    const std::string scenarioPath = arguments(command).front();
    OnlineComparisonHooks hooks;
    hooks.train = [&](const TrainingOptions& training) {
        return trainWithProgress(s, training.planner, training.episodes, training.ddpg.seed, training.ddpg.hidden, io.err, false);
    };
    hooks.verdict = [&](const TrainingVerdict& verdict) { reportVerdict(verdict, scenarioPath, io.err); };
    hooks.stopped = [] { return g_cancelSearch.load(); };
    const Expected<std::vector<OnlineComparisonRow>> rows =
        compareOnlinePolicies(s, {*episodes, *testEpisodes, static_cast<std::uint64_t>(*seed), *hidden}, hooks);
    interrupts.reset();
    if (!rows)
        return fail(io.err, rows.error());
    if (*outputFormat == "json") {
        io.out << comparisonJson(*rows);
    } else {
        io.out << "test traces: " << *testEpisodes << " episodes of " << s.online.horizonMs << " ms, seeds from "
               << s.online.seed + 2'000'000 << "\n"
               << resultHeader();
        for (const OnlineComparisonRow& row : *rows)
            io.out << resultLine(row.label, row.result);
    }
    if (!g_cancelSearch.load())
        return kExitOk;
    io.err << "coinfer compare-online: stopped by " << stopSignalName() << " after " << rows->size() << " of "
           << kOnlineComparisonRows << " rows; the rows printed are complete\n";
    return stopSignalExitStatus();
}

} // namespace coinfer::cli
