// Measures best against the exact search and the lower bound on the seeded families of
// tests/core/families.h: share within 1% of exact, worst gap, mean gap to the lower bound, and
// the same for best without its branch and bound (portfolio and local search only).
// Usage: best_quality [INSTANCES_PER_FAMILY]   (default 200)

#include "../tests/core/families.h"

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/randomscenario.h"
#include "core/model/scenario.h"
#include "core/planning/lowerbound.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

struct Tally {
    int instances = 0, exactSolved = 0, within1 = 0, heuristicWithin1 = 0, aboveBaseline = 0, boundAboveExact = 0;
    double worstGap = 0, heuristicWorstGap = 0, boundGapSum = 0, rootGapSum = 0, capacityGapSum = 0;
    int boundGapCount = 0;
    double bestMs = 0, exactMs = 0;
};

double percentAbove(double value, double reference)
{
    return reference > 0 ? 100.0 * (value - reference) / reference : (value > reference ? INFINITY : 0.0);
}

double msSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Instances that the exact search cannot finish within this budget count as too big for it.
constexpr long long kExactWorkBudget = 50'000'000;

} // namespace

int main(int argc, char** argv)
{
    const int perFamily = argc > 1 ? std::atoi(argv[1]) : 200;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf("%-30s %5s %6s %9s %9s %10s %10s %9s %9s %9s %8s %8s\n", "family", "n", "exact", "within1%", "worst_%",
                "heur_w1%", "heur_worst", "bound_%", "root_%", "capac_%", "best_ms", "exact_ms");
    Tally total;
    const auto& families = families::all();
    for (size_t f = 0; f < families.size(); ++f) {
        Tally tally;
        for (int i = 0; i < perFamily; ++i) {
            const Scenario scenario = makeRandomScenario(families::seedOf(f, i), families[f].spec(i));
            const CostModel model(scenario);
            ++tally.instances;
            if (!usersInfeasibleAlone(scenario, model).empty())
                continue;
            SearchControl exactControl;
            exactControl.workBudget = kExactWorkBudget;
            auto start = std::chrono::steady_clock::now();
            const Expected<Schedule> exact = planExact(model, exactControl);
            tally.exactMs += msSince(start);
            start = std::chrono::steady_clock::now();
            const BestOutcome best = planBest(scenario, model);
            tally.bestMs += msSince(start);
            const BestOutcome heuristic = planBest(scenario, model, {}, BestStages{true, false, false});
            double baseline = std::numeric_limits<double>::infinity();
            for (Algorithm algorithm :
                 {Algorithm::Local, Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og}) {
                const Expected<Plan> plan = makePlan(scenario, model, algorithm);
                if (plan && plan->feasible)
                    baseline = std::min(baseline, plan->totalEnergyMj);
            }
            if (best.found && best.energyMj > baseline * (1 + 1e-9))
                ++tally.aboveBaseline;
            if (!exact)
                continue; // infeasible, or too hard for the reference
            ++tally.exactSolved;
            const double optimum = simulate(scenario, model, *exact, "exact").totalEnergyMj;
            const double gap = best.found ? percentAbove(best.energyMj, optimum) : INFINITY;
            const double heuristicGap = heuristic.found ? percentAbove(heuristic.energyMj, optimum) : INFINITY;
            tally.within1 += gap <= 1.0;
            tally.heuristicWithin1 += heuristicGap <= 1.0;
            tally.worstGap = std::max(tally.worstGap, gap);
            tally.heuristicWorstGap = std::max(tally.heuristicWorstGap, heuristicGap);
            tally.boundAboveExact += best.lowerBoundMj > optimum * (1 + 1e-9);
            // How far the bound best reports, and the root bound alone, lie below the optimum.
            tally.boundGapSum += percentAbove(optimum, best.lowerBoundMj);
            tally.rootGapSum += percentAbove(optimum, model.aloneLowerBoundMj());
            tally.capacityGapSum += percentAbove(optimum, std::max(model.aloneLowerBoundMj(), capacityLowerBoundMj(model)));
            ++tally.boundGapCount;
        }
        auto share = [](int part, int whole) { return whole ? 100.0 * part / whole : 0.0; };
        std::printf("%-30s %5d %6d %8.1f%% %9.2f %9.1f%% %10.2f %9.2f %9.2f %9.2f %8.2f %8.2f\n", families[f].name.c_str(),
                    tally.instances, tally.exactSolved, share(tally.within1, tally.exactSolved), tally.worstGap,
                    share(tally.heuristicWithin1, tally.exactSolved), tally.heuristicWorstGap,
                    tally.boundGapCount ? tally.boundGapSum / tally.boundGapCount : 0.0,
                    tally.boundGapCount ? tally.rootGapSum / tally.boundGapCount : 0.0,
                    tally.boundGapCount ? tally.capacityGapSum / tally.boundGapCount : 0.0, tally.bestMs / tally.instances,
                    tally.exactMs / tally.instances);
        if (tally.aboveBaseline || tally.boundAboveExact)
            std::printf("  !! best above a baseline on %d instances; bound above exact on %d\n", tally.aboveBaseline,
                        tally.boundAboveExact);
        total.instances += tally.instances;
        total.exactSolved += tally.exactSolved;
        total.within1 += tally.within1;
        total.heuristicWithin1 += tally.heuristicWithin1;
        total.worstGap = std::max(total.worstGap, tally.worstGap);
        total.heuristicWorstGap = std::max(total.heuristicWorstGap, tally.heuristicWorstGap);
        total.aboveBaseline += tally.aboveBaseline;
        total.boundAboveExact += tally.boundAboveExact;
    }
    std::printf("all: %d instances, %d solved by exact; best within 1%% on %.2f%%, worst %.2f%%; without branch and bound "
                "within 1%% on %.2f%%, worst %.2f%%; best above a baseline %d times; bound above exact %d times\n",
                total.instances, total.exactSolved, 100.0 * total.within1 / std::max(1, total.exactSolved), total.worstGap,
                100.0 * total.heuristicWithin1 / std::max(1, total.exactSolved), total.heuristicWorstGap, total.aboveBaseline,
                total.boundAboveExact);
    return total.aboveBaseline == 0 && total.boundAboveExact == 0 ? 0 : 1;
}
