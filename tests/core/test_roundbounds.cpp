// Round batches and the bound iteration (core/planning/roundbounds.h) against their documented
// contracts: roundBatches against an independent re-implementation of its contract and property
// checks; planWithBoundIteration against the plan made with the loosest bounds, the one
// simulator and verifier, and the exact optimum (planExact) on small seeded instances.
#include "core/model/costmodel.h"
#include "core/model/randomscenario.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"
#include "core/simulation/simulator.h"
#include "core/util/random.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>
#include <numeric>
#include <optional>
#include <tuple>

using namespace coinfer;

namespace {

/// The contract of roundBatches written out on its own: for n = k+1..N (k the smallest partition
/// among the offloading members), the members with p < n ordered by p, then by arrival A_m(p),
/// then by their place in @p members, cut into full batches of B_max and then the rest.
std::vector<BatchSpec> referenceBatches(const CostModel& model, const std::vector<int>& members,
                                        const std::vector<int>& partitions)
{
    const int n = model.subtaskCount();
    std::vector<std::tuple<int, double, size_t, int>> order; // p, arrival, place, user
    for (size_t i = 0; i < members.size(); ++i) {
        const int m = members[i];
        const int p = partitions[static_cast<size_t>(m)];
        if (p < n)
            order.emplace_back(p, model.arrivalMs(m, p), i, m);
    }
    std::sort(order.begin(), order.end());
    std::vector<BatchSpec> batches;
    if (order.empty())
        return batches;
    for (int s = std::get<0>(order.front()) + 1; s <= n; ++s) {
        std::vector<int> need;
        for (const auto& entry : order)
            if (std::get<0>(entry) < s)
                need.push_back(std::get<3>(entry));
        for (size_t start = 0; start < need.size(); start += static_cast<size_t>(model.maxBatch())) {
            const size_t end = std::min(need.size(), start + static_cast<size_t>(model.maxBatch()));
            batches.push_back(
                {s, std::vector<int>(need.begin() + static_cast<long>(start), need.begin() + static_cast<long>(end))});
        }
    }
    return batches;
}

QString describe(const std::vector<BatchSpec>& batches)
{
    QStringList parts;
    for (const BatchSpec& batch : batches) {
        QStringList users;
        for (int m : batch.users)
            users << QString::number(m);
        parts << QString("%1:[%2]").arg(batch.subtask).arg(users.join(','));
    }
    return parts.join(' ');
}

/// R_p for K users on every sub-task, written out from its definition: the bound of sub-task n is
/// the largest, over K' <= K, of full batches of B_max then the rest; R_p sums n = p+1..N.
std::vector<double> referenceLoosestBounds(const CostModel& model)
{
    const int n = model.subtaskCount(), users = model.userCount(), batch = model.maxBatch();
    std::vector<double> remaining(static_cast<size_t>(n + 1), 0.0);
    for (int p = n - 1; p >= 0; --p) {
        double bound = 0;
        for (int k = 0; k <= users; ++k) {
            const double chunked =
                (k / batch) * model.edgeMs(p + 1, batch) + (k % batch > 0 ? model.edgeMs(p + 1, k % batch) : 0.0);
            bound = std::max(bound, chunked);
        }
        remaining[static_cast<size_t>(p)] = remaining[static_cast<size_t>(p + 1)] + bound;
    }
    return remaining;
}

double energyOf(const CostModel& model, const Schedule& schedule)
{
    double total = 0;
    for (int m = 0; m < model.userCount(); ++m)
        total += model.energyMj(m, schedule.partitions[static_cast<size_t>(m)]);
    return total;
}

const EdgeShape kShapes[] = {EdgeShape::Affine, EdgeShape::Sqrt,  EdgeShape::Quadratic, EdgeShape::Step,
                             EdgeShape::Knee,   EdgeShape::Noisy, EdgeShape::Constant};

/// Small instances whose batch size matters: B_max below M and tau growing with b.
RandomScenarioSpec smallSpec(int index)
{
    RandomScenarioSpec spec;
    spec.users = 3 + index % 4;           // 3..6
    spec.subtasks = 1 + (index / 4) % 3;  // 1..3
    spec.maxBatch = 1 + (index / 12) % 3; // 1..3
    spec.edgeShape = kShapes[(index / 36) % 7];
    const double tightness[] = {1.0, 1.3, 1.7};
    spec.tightness = tightness[index % 3];
    const double edgeScale[] = {1.0, 3.0, 8.0};
    spec.edgeScale = edgeScale[(index / 3) % 3];
    spec.localAlwaysFeasible = index % 4 != 0;
    return spec;
}

using Planner = std::function<Schedule(const CostModel&, const std::vector<double>&)>;

} // namespace

namespace {

/// Names one case of the bound iteration in a failure message.
QString iterationContext(const char* planner, const Scenario& scenario, const CostModel& model, std::optional<int> hint)
{
    return QString("%1 on %2 (M %3, N %4, B_max %5, hint %6)")
        .arg(planner, QString::fromStdString(scenario.name))
        .arg(model.userCount())
        .arg(model.subtaskCount())
        .arg(model.maxBatch())
        .arg(hint ? QString::number(*hint) : QString("none"));
}

} // namespace

class TestRoundBounds : public QObject {
    Q_OBJECT

private slots:
    void roundBatchesFollowsItsContract()
    {
        SeededRandom random(20260801);
        int cases = 0, multiBatch = 0, mixedPartitions = 0;
        for (int trial = 0; trial < 600; ++trial) {
            RandomScenarioSpec spec;
            spec.users = 1 + trial % 9;
            spec.subtasks = 1 + (trial / 9) % 4;
            spec.maxBatch = 1 + (trial / 36) % 4;
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(trial) + 500, spec);
            const CostModel model(scenario);
            const int n = model.subtaskCount(), users = model.userCount();
            // Random partitions, and a random subset of members in random order.
            std::vector<int> partitions;
            for (int m = 0; m < users; ++m)
                partitions.push_back(static_cast<int>(random.uniform() * (n + 1)));
            std::vector<int> members;
            for (int m = 0; m < users; ++m)
                if (random.uniform() < 0.8)
                    members.push_back(m);
            for (size_t i = members.size(); i > 1; --i)
                std::swap(members[i - 1], members[static_cast<size_t>(random.uniform() * static_cast<double>(i))]);

            const std::vector<BatchSpec> batches = roundBatches(model, members, partitions);
            const std::vector<BatchSpec> expected = referenceBatches(model, members, partitions);
            const QString context = QString("trial %1 (M %2, N %3, B_max %4), got %5, expected %6")
                                        .arg(trial)
                                        .arg(users)
                                        .arg(n)
                                        .arg(model.maxBatch())
                                        .arg(describe(batches), describe(expected));

            // Properties, each read off the contract.
            int previousSubtask = 0;
            std::vector<std::vector<int>> perSubtask(static_cast<size_t>(n + 1));
            for (const BatchSpec& batch : batches) {
                QVERIFY2(batch.subtask >= 1 && batch.subtask <= n, qPrintable(context));
                QVERIFY2(batch.subtask >= previousSubtask, qPrintable("sub-tasks out of order: " + context));
                previousSubtask = batch.subtask;
                QVERIFY2(!batch.users.empty() && static_cast<int>(batch.users.size()) <= model.maxBatch(), qPrintable(context));
                for (int m : batch.users)
                    perSubtask[static_cast<size_t>(batch.subtask)].push_back(m);
            }
            for (int s = 1; s <= n; ++s) {
                std::vector<int> want;
                for (int m : members)
                    if (partitions[static_cast<size_t>(m)] < s)
                        want.push_back(m);
                std::vector<int> got = perSubtask[static_cast<size_t>(s)];
                // In order: members already at the edge (smaller p) first, then by arrival.
                for (size_t i = 1; i < got.size(); ++i) {
                    const int a = got[i - 1], b = got[i];
                    const int pa = partitions[static_cast<size_t>(a)], pb = partitions[static_cast<size_t>(b)];
                    QVERIFY2(pa < pb || (pa == pb && model.arrivalMs(a, pa) <= model.arrivalMs(b, pb)),
                             qPrintable("order: " + context));
                }
                std::sort(want.begin(), want.end());
                std::sort(got.begin(), got.end());
                QVERIFY2(got == want, qPrintable(QString("sub-task %1 members: ").arg(s) + context)); // each once
            }
            // Exactly the contract's batches (keys are distinct: arrivals are continuous draws).
            QVERIFY2(batches.size() == expected.size(), qPrintable(context));
            for (size_t i = 0; i < batches.size(); ++i) {
                QVERIFY2(batches[i].subtask == expected[i].subtask && batches[i].users == expected[i].users, qPrintable(context));
            }
            ++cases;
            multiBatch += std::any_of(batches.begin(), batches.end(),
                                      [&](const BatchSpec& b) {
                                          return static_cast<int>(b.users.size()) == model.maxBatch() && model.maxBatch() > 1;
                                      }) &&
                          batches.size() > static_cast<size_t>(n);
            std::vector<int> used;
            for (int m : members)
                if (partitions[static_cast<size_t>(m)] < n)
                    used.push_back(partitions[static_cast<size_t>(m)]);
            mixedPartitions += std::adjacent_find(used.begin(), used.end(), std::not_equal_to<>()) != used.end();
        }
        qInfo("roundBatches: %d cases, %d with several batches of one sub-task, %d with mixed partitions", cases, multiBatch,
              mixedPartitions);
        QVERIFY(multiBatch > 50);
        QVERIFY(mixedPartitions > 200);
    }

    void roundBatchesEdgeCases()
    {
        RandomScenarioSpec spec;
        spec.users = 4;
        spec.subtasks = 3;
        spec.maxBatch = 2;
        const Scenario scenario = makeRandomScenario(77, spec);
        const CostModel model(scenario);
        // Nobody offloads (p = N for all): no batches; no members: no batches.
        QVERIFY(roundBatches(model, {0, 1, 2, 3}, {3, 3, 3, 3}).empty());
        QVERIFY(roundBatches(model, {}, {0, 0, 0, 0}).empty());
        // Only members count: user 2 is not a member.
        for (const BatchSpec& batch : roundBatches(model, {0, 1}, {0, 1, 0, 3}))
            QVERIFY(std::find(batch.users.begin(), batch.users.end(), 2) == batch.users.end());
        // One member at p = 2 of N = 3: one batch, of sub-task 3.
        const auto single = roundBatches(model, {3}, {3, 3, 3, 2});
        QCOMPARE(single.size(), size_t(1));
        QCOMPARE(single[0].subtask, 3);
        QCOMPARE(single[0].users, std::vector<int>{3});
        // Three members at p = 0 with B_max 2: two batches per sub-task (2 then 1), for n = 1..3.
        const auto three = roundBatches(model, {0, 1, 2}, {0, 0, 0, 3});
        QCOMPARE(three.size(), size_t(6));
        for (size_t i = 0; i < 6; ++i) {
            QCOMPARE(three[i].subtask, static_cast<int>(i / 2) + 1);
            QCOMPARE(three[i].users.size(), size_t(i % 2 == 0 ? 2 : 1));
        }
    }

    void boundIterationIsNeverWorseThanTheLoosestPlanNorBetterThanTheOptimum()
    {
        const std::vector<std::pair<const char*, Planner>> planners = {
            {"ip-ssa", [](const CostModel& model, const std::vector<double>& r) { return planIpSsaForBounds(model, r); }},
            {"og", [](const CostModel& model, const std::vector<double>& r) { return planOgForBounds(model, r); }},
        };
        int compared = 0, improved = 0, optimal = 0, infeasible = 0, skipped = 0;
        for (int index = 0; index < 504; ++index) {
            const RandomScenarioSpec spec = smallSpec(index);
            const Scenario scenario = makeRandomScenario(9'100'000 + static_cast<std::uint64_t>(index), spec);
            const CostModel model(scenario);
            SearchControl control;
            control.workBudget = 3'000'000;
            const Expected<Schedule> exact = planExact(model, control);
            if (!exact && exact.error().code == ErrorCode::TooLarge) {
                ++skipped;
                continue;
            }
            double optimumMj = std::numeric_limits<double>::infinity();
            if (exact) {
                const Plan plan = simulate(scenario, model, *exact, "exact");
                QVERIFY2(plan.feasible && verifyPlan(scenario, model, plan).empty(), scenario.name.c_str());
                optimumMj = plan.totalEnergyMj;
            }
            for (const auto& entry : planners) {
                // Plain references, not structured bindings: clang before 16 cannot capture those.
                const auto& name = entry.first;
                const auto& planner = entry.second;
                // Without a hint (the grid and golden section), and with a hint for K as OG gives one.
                for (const std::optional<int> hint : {std::optional<int>(), std::optional<int>(1 + index % model.userCount())}) {
                    const QString context = iterationContext(name, scenario, model, hint);
                    const std::vector<double> loosest = referenceLoosestBounds(model);
                    const Plan loosestPlan = simulate(scenario, model, planner(model, loosest), name);
                    int calls = 0;
                    const Schedule iterated = planWithBoundIteration(
                        model,
                        [&](const std::vector<double>& remainingMs) {
                            ++calls;
                            return planner(model, remainingMs);
                        },
                        10, hint);
                    QVERIFY2(calls <= 10, qPrintable(context + QString(": %1 plans").arg(calls)));
                    const Plan plan = simulate(scenario, model, iterated, name);
                    const std::vector<Violation> violations = verifyPlan(scenario, model, plan);
                    QVERIFY2(plan.feasible == violations.empty(), qPrintable(context + ": simulator and verifier disagree"));
                    QVERIFY2(std::fabs(plan.totalEnergyMj - energyOf(model, iterated)) <=
                                 1e-9 * std::max(1.0, plan.totalEnergyMj),
                             qPrintable(context));
                    if (loosestPlan.feasible) {
                        QVERIFY2(plan.feasible,
                                 qPrintable(context + ": the loosest plan is feasible, the iterated one is not: " +
                                            QString::fromStdString(violations.empty() ? "" : violations.front().message)));
                        QVERIFY2(plan.totalEnergyMj <= loosestPlan.totalEnergyMj * (1 + 1e-12),
                                 qPrintable(context + QString(": %1 mJ above the loosest plan's %2 mJ")
                                                          .arg(plan.totalEnergyMj, 0, 'g', 12)
                                                          .arg(loosestPlan.totalEnergyMj, 0, 'g', 12)));
                        improved += plan.totalEnergyMj < loosestPlan.totalEnergyMj * (1 - 1e-9);
                    }
                    if (plan.feasible) {
                        QVERIFY2(exact.has_value(), qPrintable(context + ": feasible where exact proves no plan exists"));
                        QVERIFY2(plan.totalEnergyMj >= optimumMj * (1 - 1e-9),
                                 qPrintable(context + QString(": %1 mJ below the optimum %2 mJ")
                                                          .arg(plan.totalEnergyMj, 0, 'g', 12)
                                                          .arg(optimumMj, 0, 'g', 12)));
                        optimal += plan.totalEnergyMj <= optimumMj * (1 + 1e-9);
                        ++compared;
                    } else {
                        ++infeasible;
                    }
                }
            }
        }
        qInfo("bound iteration: %d feasible plans compared with the optimum (%d optimal), %d better than the loosest plan, "
              "%d infeasible, %d instances too large for exact",
              compared, optimal, improved, infeasible, skipped);
        QVERIFY(compared >= 1400);
        QVERIFY(improved >= 120); // the iteration does something on these instances
        QVERIFY(skipped <= 25);
    }

    void firstPlanUsesTheLoosestBoundsAndTheBudgetIsKept()
    {
        int iterating = 0;
        for (int index = 0; index < 120; ++index) {
            const RandomScenarioSpec spec = smallSpec(index);
            const Scenario scenario = makeRandomScenario(9'300'000 + static_cast<std::uint64_t>(index), spec);
            const CostModel model(scenario);
            const std::vector<double> loosest = referenceLoosestBounds(model);
            for (int maxPlans : {1, 2, 3, 4, 5, 6, 8, 10}) {
                std::vector<std::vector<double>> seen;
                const Schedule result = planWithBoundIteration(
                    model,
                    [&](const std::vector<double>& remainingMs) {
                        seen.push_back(remainingMs);
                        return planIpSsaForBounds(model, remainingMs);
                    },
                    maxPlans);
                QVERIFY(!seen.empty());
                QVERIFY2(static_cast<int>(seen.size()) <= std::max(1, maxPlans),
                         qPrintable(QString("%1 plans for at most %2").arg(seen.size()).arg(maxPlans)));
                QCOMPARE(seen.front().size(), loosest.size());
                for (size_t p = 0; p < loosest.size(); ++p)
                    QVERIFY2(std::fabs(seen.front()[p] - loosest[p]) <= 1e-9 * std::max(1.0, loosest[p]),
                             qPrintable(QString("R_%1: got %2, expected %3").arg(p).arg(seen.front()[p]).arg(loosest[p])));
                // Every later bound is no looser than the loosest (smaller limits, smaller R_p).
                for (const auto& bounds : seen)
                    for (size_t p = 0; p < loosest.size(); ++p)
                        QVERIFY(bounds[p] <= loosest[p] * (1 + 1e-12) + 1e-12);
                if (maxPlans == 1) // nothing but the first plan fits the budget
                    QCOMPARE(result.partitions, planIpSsaForBounds(model, loosest).partitions);
                iterating += maxPlans == 10 && seen.size() > 1;
            }
        }
        QVERIFY(iterating > 50);

        // Constant tau and B_max >= M: the first bound is exact, so one plan only.
        for (int index = 0; index < 20; ++index) {
            RandomScenarioSpec spec;
            spec.users = 2 + index % 5;
            spec.subtasks = 1 + index % 3;
            spec.maxBatch = spec.users + index % 2;
            spec.edgeShape = EdgeShape::Constant;
            const Scenario scenario = makeRandomScenario(9'400'000 + static_cast<std::uint64_t>(index), spec);
            const CostModel model(scenario);
            int calls = 0;
            planWithBoundIteration(model, [&](const std::vector<double>& r) {
                ++calls;
                return planIpSsaForBounds(model, r);
            });
            QCOMPARE(calls, 1);
        }
    }

    void aPlannerThatGivesUpLeavesTheFirstPlan()
    {
        int checked = 0;
        for (int index = 0; index < 60; ++index) {
            const Scenario scenario = makeRandomScenario(9'500'000 + static_cast<std::uint64_t>(index), smallSpec(index));
            const CostModel model(scenario);
            int calls = 0;
            const Schedule result = planWithBoundIteration(
                model, [&](const std::vector<double>& r) { return ++calls == 1 ? planIpSsaForBounds(model, r) : Schedule{}; });
            QCOMPARE(result.partitions, planIpSsaForBounds(model, referenceLoosestBounds(model)).partitions);
            checked += calls > 1;
        }
        QVERIFY(checked > 20);
    }
};

QTEST_APPLESS_MAIN(TestRoundBounds)
#include "test_roundbounds.moc"
