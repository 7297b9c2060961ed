#include "core/sweep/sweepenvelope.h"

#include "core/model/costmodel.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace coinfer {

int relaxationDirection(const std::string& parameterName)
{
    const std::optional<SweepParameter> parameter = sweepParameterFromName(parameterName);
    if (!parameter)
        return 0;
    switch (*parameter) {
    case SweepParameter::MaxBatch:
    case SweepParameter::DeadlineScale:
        return 1;
    case SweepParameter::EdgeScale:
        return -1;
    default:
        return 0;
    }
}

void applyRelaxationEnvelope(std::vector<SweepRow>& rows)
{
    const std::string best = algorithmName(Algorithm::Best);
    // Best's rows of each repeat, from the tightest value to the loosest.
    std::map<int, std::vector<SweepRow*>> byRepeat;
    for (SweepRow& row : rows)
        if (row.algorithm == best && relaxationDirection(row.parameter) != 0)
            byRepeat[row.repeat].push_back(&row);
    for (auto& [repeat, chain] : byRepeat) {
        const int direction = relaxationDirection(chain.front()->parameter);
        std::stable_sort(chain.begin(), chain.end(), [direction](const SweepRow* a, const SweepRow* b) {
            return direction > 0 ? a->value < b->value : a->value > b->value;
        });
        const SweepRow* tightest = nullptr; // the least-energy feasible plan so far
        for (SweepRow* row : chain) {
            if (!row->planned)
                continue;
            const bool beaten = tightest && (!row->feasible || row->energyMj > tightest->energyMj * (1 + 1e-12));
            if (beaten) {
                // The tighter point's plan meets every constraint here, with the same partitions,
                // batches and energy: it is the plan best shows at this value.
                row->energyMj = tightest->energyMj;
                row->feasible = true;
                row->batches = tightest->batches;
                row->savingPercent =
                    row->localEnergyMj > 0 ? 100.0 * (row->localEnergyMj - row->energyMj) / row->localEnergyMj : 0.0;
                row->gapPercent =
                    row->lowerBoundMj > 0 ? 100.0 * (row->energyMj - row->lowerBoundMj) / row->lowerBoundMj : row->gapPercent;
            }
            if (row->feasible && (!tightest || row->energyMj <= tightest->energyMj * (1 + 1e-12)))
                tightest = row;
        }
    }
}

} // namespace coinfer

namespace coinfer {
namespace {

/// Best's row of each (value index, repeat) point of @p request among @p rows.
std::map<std::pair<int, int>, SweepRow*> bestRowsByPoint(const SweepRequest& request, std::vector<SweepRow>& rows)
{
    const std::string best = algorithmName(Algorithm::Best);
    std::map<double, int> valueIndex;
    for (size_t i = 0; i < request.values.size(); ++i)
        valueIndex.emplace(request.values[i], static_cast<int>(i));
    std::map<std::pair<int, int>, SweepRow*> byPoint;
    for (SweepRow& row : rows)
        if (row.algorithm == best && row.planned)
            if (auto it = valueIndex.find(row.value); it != valueIndex.end())
                byPoint[{it->second, row.repeat}] = &row;
    return byPoint;
}

/// Shows @p plan, best's plan of a smaller value timed at @p row's value, in @p row.
void showCarriedPlan(SweepRow& row, const Plan& plan)
{
    row.energyMj = plan.totalEnergyMj;
    row.feasible = true;
    row.batches = static_cast<int>(plan.batches.size());
    row.savingPercent = row.localEnergyMj > 0 ? 100.0 * (row.localEnergyMj - row.energyMj) / row.localEnergyMj : 0.0;
    row.gapPercent = row.lowerBoundMj > 0 ? 100.0 * (row.energyMj - row.lowerBoundMj) / row.lowerBoundMj : row.gapPercent;
}

} // namespace

bool isRecostedRelaxation(SweepParameter parameter)
{
    return parameter == SweepParameter::UplinkScale || parameter == SweepParameter::BandwidthMhz;
}

Schedule scheduleOfPlan(const Plan& plan)
{
    Schedule schedule;
    schedule.partitions.reserve(plan.users.size());
    schedule.groups.reserve(plan.users.size());
    for (const UserOutcome& user : plan.users) {
        schedule.partitions.push_back(user.partition);
        schedule.groups.push_back(user.group);
    }
    schedule.batches.reserve(plan.batches.size());
    for (const TimedBatch& batch : plan.batches)
        schedule.batches.push_back(BatchSpec{batch.subtask, batch.users});
    return schedule;
}

void applyRecostedEnvelope(const SweepBase& base, const SweepRequest& request, const std::vector<PointSchedule>& schedules,
                           std::vector<SweepRow>& rows)
{
    if (!isRecostedRelaxation(request.parameter))
        return;
    const std::map<std::pair<int, int>, SweepRow*> bestRows = bestRowsByPoint(request, rows);
    // Each repeat's chain, from the smallest value (the tightest problem) to the largest.
    std::map<int, std::vector<const PointSchedule*>> chains;
    for (const PointSchedule& entry : schedules)
        chains[entry.point.repeat].push_back(&entry);
    for (auto& [repeat, chain] : chains) {
        std::sort(chain.begin(), chain.end(),
                  [](const PointSchedule* a, const PointSchedule* b) { return a->point.valueIndex < b->point.valueIndex; });
        const Schedule* carried = nullptr; // the cheapest feasible plan so far, at the last value
        for (const PointSchedule* entry : chain) {
            const auto found = bestRows.find({entry->point.valueIndex, repeat});
            if (found == bestRows.end())
                continue;
            SweepRow& row = *found->second;
            bool keepsCarried = false;
            if (carried) {
                const double value = request.values[static_cast<size_t>(entry->point.valueIndex)];
                const Expected<Scenario> scenario = sweepVariant(base, request.parameter, value, repeat, request.seed);
                if (scenario && scenario->userCount() == static_cast<int>(carried->partitions.size())) {
                    const CostModel model(*scenario);
                    const Plan timed = simulate(*scenario, model, *carried, row.algorithm);
                    keepsCarried = timed.feasible && (!row.feasible || timed.totalEnergyMj < row.energyMj);
                    if (keepsCarried)
                        showCarriedPlan(row, timed);
                }
            }
            if (!keepsCarried && row.feasible)
                carried = &entry->schedule;
        }
    }
}

} // namespace coinfer
