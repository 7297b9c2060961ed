// The plan writer before the streaming one, kept for the tests only: it built nlohmann's document and
// dumped it. test_planio checks that today's streaming planToJson() writes the same bytes.
#include "planioreference.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace coinfer::reference {

using nlohmann::json;

namespace {

// Full double precision, so that a plan read back re-times to exactly what was written.
json finiteOrNull(double value)
{
    return std::isfinite(value) ? json(value) : json(nullptr);
}

/// Sets @p key to @p value, except for a figure the plan's own file left out (NaN), which stays
/// out so that the written file reads back; an infinite value (a time that never comes) is null.
void putStated(json& object, const char* key, double value)
{
    if (!std::isnan(value))
        object[key] = finiteOrNull(value);
}

} // namespace

std::string planToJsonBefore(const Scenario& scenario, const Plan& plan)
{
    json users = json::array();
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& user = plan.users[m];
        json entry = {{"id", scenario.users[m].id},
                      {"partition", user.partition},
                      {"group", user.group},
                      {"energy_mj", user.energyMj},
                      {"finish_ms", finiteOrNull(user.finishMs)},
                      {"deadline_ms", user.deadlineMs}};
        putStated(entry, "upload_start_ms", user.uploadStartMs);
        putStated(entry, "upload_end_ms", user.uploadEndMs);
        users.push_back(std::move(entry));
    }
    json batches = json::array();
    for (const TimedBatch& batch : plan.batches) {
        json ids = json::array();
        for (int m : batch.users)
            ids.push_back(scenario.users[static_cast<size_t>(m)].id);
        batches.push_back({{"subtask", batch.subtask}, {"users", ids}, {"start_ms", batch.startMs}, {"end_ms", batch.endMs}});
    }
    json document = {
        {"format", "coinfer-plan"}, {"version", 1},      {"algorithm", plan.algorithm}, {"total_energy_mj", plan.totalEnergyMj},
        {"users", users},           {"batches", batches}};
    if (plan.statesFeasible)
        document["feasible"] = plan.feasible;
    putStated(document, "local_energy_mj", plan.localEnergyMj);
    putStated(document, "saving_percent", plan.savingPercent);
    // Optional (docs/formats.md#plan), so that readers of the minimal plan form are not broken.
    if (std::isfinite(plan.lowerBoundMj))
        document["lower_bound_mj"] = plan.lowerBoundMj;
    if (const double gap = gapPercent(plan); std::isfinite(gap))
        document["gap_percent"] = gap;
    if (!plan.searchEnd.empty()) {
        document["proven_optimal"] = plan.provenOptimal;
        document["search_end"] = plan.searchEnd;
    }
    return document.dump(2) + "\n";
}

} // namespace coinfer::reference
