#include "core/planning/comparison.h"

#include <chrono>
#include <cmath>

namespace coinfer {

Expected<std::vector<ComparisonRow>> compareEveryPlanner(const Scenario& scenario, const CostModel& model,
                                                         std::optional<double> timeLimitMs, const std::atomic<bool>* cancel)
{
    std::vector<ComparisonRow> rows;
    for (Algorithm algorithm : allAlgorithms()) {
        PlanOptions planOptions;
        if (algorithm == Algorithm::Best || algorithm == Algorithm::Exact)
            planOptions.control.timeLimitMs =
                timeLimitMs.value_or(algorithm == Algorithm::Exact ? kExactCompareTimeLimitMs : kBestSafetyTimeLimitMs);
        else if (algorithm == Algorithm::Og || algorithm == Algorithm::IpSsa)
            planOptions.control.timeLimitMs = timeLimitMs.value_or(0); // none unless asked: they end by themselves
        planOptions.control.cancel = cancel;
        const auto start = std::chrono::steady_clock::now();
        Expected<Plan> plan = makePlan(scenario, model, algorithm, nullptr, planOptions);
        const double elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (!plan && plan.error().code != ErrorCode::TooLarge)
            return Unexpected(plan.error());
        std::string withoutPlan;
        if (!plan) {
            const bool cancelled = cancel && cancel->load();
            const bool timedOut = planOptions.control.timeLimitMs > 0 && elapsedMs >= planOptions.control.timeLimitMs;
            withoutPlan = cancelled  ? searchEndName(SearchEnd::Cancelled)
                          : timedOut ? searchEndName(SearchEnd::TimeLimit)
                                     : "too big";
        }
        rows.push_back({algorithm, plan ? std::optional<Plan>(std::move(*plan)) : std::nullopt, elapsedMs, withoutPlan});
    }
    return rows;
}

double strongestBoundMj(const std::vector<ComparisonRow>& rows)
{
    double strongestMj = NAN;
    for (const ComparisonRow& row : rows)
        if (row.plan && std::isfinite(row.plan->lowerBoundMj) && !(row.plan->lowerBoundMj <= strongestMj))
            strongestMj = row.plan->lowerBoundMj;
    return strongestMj;
}

double gapToBoundPercent(const Plan& plan, double strongestMj)
{
    Plan againstStrongest = plan;
    againstStrongest.lowerBoundMj = strongestMj;
    return gapPercent(againstStrongest);
}

const ComparisonRow* recommendedRow(const std::vector<ComparisonRow>& rows)
{
    const ComparisonRow* recommended = nullptr;
    for (const ComparisonRow& row : rows) {
        if (!row.plan || !row.plan->feasible)
            continue;
        const double energy = row.plan->totalEnergyMj;
        if (!recommended || energy < recommended->plan->totalEnergyMj * (1 - 1e-9) ||
            (row.algorithm == Algorithm::Best && energy <= recommended->plan->totalEnergyMj * (1 + 1e-9)))
            recommended = &row;
    }
    return recommended;
}

} // namespace coinfer
