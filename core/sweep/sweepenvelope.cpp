#include "core/sweep/sweep.h"

#include "core/planning/planner.h"

#include <algorithm>
#include <map>
#include <optional>
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
