#include "core/io/planio.h"

#include "core/io/jsonfields.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

namespace coinfer {

using detail::Field;
using detail::InputError;
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

std::string planToJson(const Scenario& scenario, const Plan& plan)
{
    json users = json::array();
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& user = plan.users[m];
        json entry = {{"id", scenario.users[m].id}, {"partition", user.partition}, {"group", user.group},
                      {"energy_mj", user.energyMj}, {"finish_ms", finiteOrNull(user.finishMs)}, {"deadline_ms", user.deadlineMs}};
        putStated(entry, "upload_start_ms", user.uploadStartMs);
        putStated(entry, "upload_end_ms", user.uploadEndMs);
        users.push_back(std::move(entry));
    }
    json batches = json::array();
    for (const TimedBatch& batch : plan.batches) {
        json ids = json::array();
        for (int m : batch.users)
            ids.push_back(scenario.users[static_cast<size_t>(m)].id);
        batches.push_back({{"subtask", batch.subtask}, {"users", ids}, {"start_ms", batch.startMs},
                           {"end_ms", batch.endMs}});
    }
    json document = {{"format", "coinfer-plan"}, {"version", 1}, {"algorithm", plan.algorithm},
                     {"total_energy_mj", plan.totalEnergyMj}, {"users", users}, {"batches", batches}};
    if (plan.statesFeasible)
        document["feasible"] = plan.feasible;
    putStated(document, "local_energy_mj", plan.localEnergyMj);
    putStated(document, "saving_percent", plan.savingPercent);
    // SPEC section 6: optional, so that readers of the section 5 form are not broken.
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

namespace {

Plan readPlanJson(const Field& root, const Scenario& scenario)
{
    detail::requireFormat(root, "coinfer-plan");
    std::map<std::string, int> index;
    for (size_t m = 0; m < scenario.users.size(); ++m)
        index[scenario.users[m].id] = static_cast<int>(m);
    auto resolve = [&](const Field& id) {
        const std::string name = id.string(false);
        auto it = index.find(name);
        if (it == index.end())
            id.fail("\"" + name + "\" is not a user of the scenario");
        return it->second;
    };

    Plan plan;
    plan.algorithm = root.find("algorithm") ? root.at("algorithm").string() : std::string();
    plan.totalEnergyMj = root.at("total_energy_mj").number();
    plan.users.resize(scenario.users.size());
    std::vector<bool> present(scenario.users.size(), false);
    const Field users = root.at("users");
    const size_t count = users.arraySize(true);
    for (size_t i = 0; i < count; ++i) {
        const Field entry = users.at(i);
        const int m = resolve(entry.at("id"));
        if (present[static_cast<size_t>(m)])
            entry.at("id").fail("\"" + scenario.users[static_cast<size_t>(m)].id + "\" appears twice");
        present[static_cast<size_t>(m)] = true;
        UserOutcome& user = plan.users[static_cast<size_t>(m)];
        user.partition = static_cast<int>(entry.at("partition").integer(0, scenario.dnn.subtaskCount()));
        user.group = entry.find("group") ? static_cast<int>(entry.at("group").integer(-1, 1'000'000'000)) : 0;
        user.energyMj = entry.at("energy_mj").number();
        // A user computing locally uploads nothing, so its upload times may be left out; a
        // figure left out is NaN, which verify does not check.
        const int n = scenario.dnn.subtaskCount();
        user.uploadEndMs = user.partition < n || entry.has("upload_end_ms") ? entry.at("upload_end_ms").nonNegative() : NAN;
        user.uploadStartMs = entry.has("upload_start_ms") ? entry.at("upload_start_ms").nonNegative() : NAN;
        user.finishMs = entry.at("finish_ms").json().is_null() ? INFINITY : entry.at("finish_ms").nonNegative();
        user.deadlineMs = entry.at("deadline_ms").positive();
    }
    for (size_t m = 0; m < present.size(); ++m)
        if (!present[m])
            users.fail("has no entry for user \"" + scenario.users[m].id + "\"");
    const Field batches = root.at("batches");
    const size_t batchCount = batches.arraySize(true);
    for (size_t b = 0; b < batchCount; ++b) {
        const Field entry = batches.at(b);
        TimedBatch batch;
        batch.subtask = static_cast<int>(entry.at("subtask").integer(1, scenario.dnn.subtaskCount()));
        const Field members = entry.at("users");
        const size_t size = members.arraySize();
        for (size_t i = 0; i < size; ++i)
            batch.users.push_back(resolve(members.at(i)));
        batch.startMs = entry.at("start_ms").nonNegative();
        batch.endMs = entry.at("end_ms").number(batch.startMs);
        plan.batches.push_back(std::move(batch));
    }
    if (const std::optional<Field> feasible = root.find("feasible")) {
        if (!feasible->json().is_boolean())
            feasible->fail("must be true or false, not " + detail::describe(feasible->json()));
        plan.feasible = feasible->json().get<bool>();
    } else {
        plan.statesFeasible = false;
    }
    plan.localEnergyMj = root.has("local_energy_mj") ? root.at("local_energy_mj").nonNegative() : NAN;
    plan.savingPercent = root.has("saving_percent") ? root.at("saving_percent").number() : NAN;
    // The optional search fields of SPEC section 6. A bound read from a file is a claim, not a
    // proof: it is kept for display and round trips, and verify only warns about it.
    if (root.find("lower_bound_mj"))
        plan.lowerBoundMj = root.at("lower_bound_mj").nonNegative();
    if (root.find("gap_percent"))
        root.at("gap_percent").nonNegative(); // derived from the total and the bound; only checked
    if (const std::optional<Field> proven = root.find("proven_optimal")) {
        if (!proven->json().is_boolean())
            proven->fail("must be true or false, not " + detail::describe(proven->json()));
        plan.provenOptimal = proven->json().get<bool>();
    }
    if (root.find("search_end"))
        plan.searchEnd = root.at("search_end").string();
    return plan;
}

} // namespace

Expected<Plan> parsePlan(std::string_view text, const std::string& sourceName, const Scenario& scenario)
{
    // A plan's totals add up many inputs, so it may state more than any one input number.
    return detail::readDocument<Plan>(text, sourceName, [&](const Field& root) { return readPlanJson(root, scenario); },
                                      std::numeric_limits<double>::max());
}

std::string boundSummary(const Plan& plan)
{
    char text[256];
    if (!std::isfinite(plan.lowerBoundMj)) {
        std::snprintf(text, sizeof text, "lower bound unknown");
    } else if (plan.provenOptimal) {
        std::snprintf(text, sizeof text, "proven optimal (lower bound %.3f mJ)", plan.lowerBoundMj);
    } else if (const double gap = gapPercent(plan); std::isfinite(gap)) {
        std::snprintf(text, sizeof text, "lower bound %.3f mJ (gap %.2f%%)%s", plan.lowerBoundMj, gap,
                      plan.searchEnd.empty() ? "" : "; not proven optimal");
    } else {
        std::snprintf(text, sizeof text, "lower bound %.3f mJ", plan.lowerBoundMj);
    }
    std::string summary = text;
    if (!plan.searchEnd.empty())
        summary += "; search: " + plan.searchEnd;
    return summary;
}

std::string planToTable(const Scenario& scenario, const Plan& plan)
{
    std::string out;
    char line[320];
    std::snprintf(line, sizeof line, "%-12s %9s %6s %11s %11s %8s %11s %11s  %s\n", "user", "partition", "group", "energy_mJ",
                  "local_mJ", "saved_%", "finish_ms", "deadline_ms", "status");
    out += line;
    const int n = scenario.dnn.subtaskCount();
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& user = plan.users[m];
        double localMj = 0;
        for (double e : scenario.users[m].localEnergyMj)
            localMj += e;
        const double saved = localMj > 0 ? 100.0 * (1.0 - user.energyMj / localMj) : 0.0;
        const bool late = !meetsDeadline(user.finishMs, user.deadlineMs);
        const std::string where = user.partition == n ? "local" : user.partition == 0 ? "full offload" : "split";
        std::snprintf(line, sizeof line, "%-12.12s %9d %6s %11.3f %11.3f %8.2f %11.3f %11.3f  %s%s\n", scenario.users[m].id.c_str(),
                      user.partition, user.group < 0 ? "-" : std::to_string(user.group).c_str(), user.energyMj, localMj, saved,
                      user.finishMs, user.deadlineMs, where.c_str(), late ? ", LATE" : "");
        out += line;
    }
    int rounds = 0;
    for (const UserOutcome& user : plan.users)
        rounds = std::max(rounds, user.group + 1);
    std::snprintf(line, sizeof line,
                  "\nalgorithm %s: %s; total %.3f mJ against %.3f mJ computing locally: %.2f%% saved; %zu GPU batches in %d round(s)\n",
                  plan.algorithm.c_str(), plan.feasible ? "every deadline met" : "INFEASIBLE", plan.totalEnergyMj,
                  plan.localEnergyMj, plan.savingPercent, plan.batches.size(), rounds);
    out += line;
    out += boundSummary(plan) + "\n";
    return out;
}

} // namespace coinfer
