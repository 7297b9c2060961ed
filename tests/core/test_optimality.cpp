// IP-SSA and OG against independent references on many seeded random instances.
#include "reference.h"

#include "core/planning/planner.h"
#include "core/model/randomscenario.h"
#include "core/planning/roundbounds.h"
#include "core/simulation/simulator.h"
#include "tests/common/tolerance.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace coinfer;
using coinfer::testing::nearlyEqual;

namespace {

constexpr int kInstances = 500; // compared instances wanted per test
constexpr int kMaxSeeds = 4000;

/// How often plans put users at each kind of partition, to show the instances are not trivial.
struct PartitionMix {
    int fullOffload = 0, split = 0, local = 0;
    void add(const Plan& plan, int subtasks)
    {
        for (const UserOutcome& user : plan.users)
            (user.partition == 0 ? fullOffload : user.partition == subtasks ? local : split) += 1;
    }
    bool varied() const
    {
        const int total = fullOffload + split + local;
        return fullOffload * 20 > total && split * 20 > total && local * 20 > total;
    }
};
const double kTightness[] = {0.9, 1.1, 1.3, 1.6, 2.0};

/// Times the schedule with the one simulator and checks the plan it gives passes verifyPlan.
Plan timedAndVerified(const Scenario& scenario, const CostModel& model, const Schedule& schedule, const char* name)
{
    Plan plan = simulate(scenario, model, schedule, name);
    const auto violations = verifyPlan(scenario, model, plan);
    if (plan.feasible != violations.empty()) {
        // A failure of the calling test, not a warning: the two must never disagree.
        const std::string message = std::string(name) + " on " + scenario.name + ": simulator says " +
                                    (plan.feasible ? "feasible" : "infeasible") + ", verifier finds " +
                                    (violations.empty() ? std::string("nothing") : violations.front().message);
        QTest::qFail(message.c_str(), __FILE__, __LINE__);
    }
    return plan;
}

RandomScenarioSpec specFor(int seed, int maxUsers, int maxSubtasks)
{
    RandomScenarioSpec spec;
    spec.users = 1 + seed % maxUsers;
    spec.subtasks = 1 + (seed / maxUsers) % maxSubtasks;
    spec.maxBatch = 8;
    spec.tightness = kTightness[(seed / (maxUsers * maxSubtasks)) % 5];
    spec.localAlwaysFeasible = seed % 3 == 0; // the rest have users that must offload in time
    if (seed % 4 == 1) {
        // Long rounds and close deadlines: a late round pushes the earlier ones earlier.
        spec.edgeScale = 8.0;
        spec.deadlineSpread = 0.2;
    }
    return spec;
}

} // namespace

class TestOptimality : public QObject {
    Q_OBJECT

private slots:
    void ipSsaEqualsExactWithEqualDeadlinesAndConstantLatency()
    {
        int compared = 0, infeasible = 0;
        PartitionMix mix;
        for (int seed = 0; seed < kMaxSeeds && compared < kInstances; ++seed) {
            RandomScenarioSpec spec = specFor(seed, 8, 7);
            spec.equalDeadlines = true;
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed), spec);
            const CostModel model(scenario);
            const Plan ipssa = timedAndVerified(scenario, model, planIpSsa(model), "ip-ssa");
            QVERIFY2(verifyPlan(scenario, model, ipssa).empty() == ipssa.feasible, scenario.name.c_str());
            Expected<Schedule> exact = planExact(model);
            if (!exact) {
                QCOMPARE(int(exact.error().code), int(ErrorCode::Infeasible));
                QVERIFY2(!ipssa.feasible, (scenario.name + ": exact finds no plan but IP-SSA does").c_str());
                ++infeasible;
                continue;
            }
            const Plan optimum = timedAndVerified(scenario, model, *exact, "exact");
            QVERIFY2(optimum.feasible, scenario.name.c_str());
            QVERIFY2(ipssa.feasible, (scenario.name + ": IP-SSA infeasible where a plan exists").c_str());
            QVERIFY2(nearlyEqual(ipssa.totalEnergyMj, optimum.totalEnergyMj),
                     qPrintable(QString("%1: IP-SSA %2 mJ, exact %3 mJ")
                                    .arg(QString::fromStdString(scenario.name))
                                    .arg(ipssa.totalEnergyMj, 0, 'g', 12)
                                    .arg(optimum.totalEnergyMj, 0, 'g', 12)));
            mix.add(ipssa, model.subtaskCount());
            ++compared;
        }
        qInfo("IP-SSA = exact on %d instances (users at p = 0: %d, 0 < p < N: %d, p = N: %d); %d seeds infeasible for both",
              compared, mix.fullOffload, mix.split, mix.local, infeasible);
        QCOMPARE(compared, kInstances);
        QVERIFY(mix.varied());
    }

    void ogEqualsTheOptimumOfItsClass()
    {
        int compared = 0, infeasible = 0, multiRound = 0;
        PartitionMix mix;
        for (int seed = 0; seed < kMaxSeeds && compared < kInstances; ++seed) {
            RandomScenarioSpec spec = specFor(seed, 8, 7);
            while (reference::ogClassSize(spec.users, spec.subtasks) > 1e5)
                --spec.subtasks;
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed) + 100000, spec);
            const CostModel model(scenario);
            const std::vector<double> remainingMs =
                RoundBounds(model).remainingMs(std::vector<int>(static_cast<size_t>(model.subtaskCount()), model.userCount()));
            const double optimum = reference::ogClassOptimum(model, remainingMs);
            const Plan og = timedAndVerified(scenario, model, planOg(model), "og");
            if (!std::isfinite(optimum)) {
                QVERIFY2(!og.feasible, (scenario.name + ": OG feasible where its class has no plan").c_str());
                ++infeasible;
                continue;
            }
            QVERIFY2(og.feasible, (scenario.name + ": OG infeasible where its class has a plan").c_str());
            QVERIFY2(nearlyEqual(og.totalEnergyMj, optimum), qPrintable(QString("%1: OG %2 mJ, class optimum %3 mJ")
                                                                            .arg(QString::fromStdString(scenario.name))
                                                                            .arg(og.totalEnergyMj, 0, 'g', 12)
                                                                            .arg(optimum, 0, 'g', 12)));
            mix.add(og, model.subtaskCount());
            int rounds = 0;
            for (const UserOutcome& user : og.users)
                rounds = std::max(rounds, user.group + 1);
            multiRound += rounds > 1;
            ++compared;
        }
        qInfo("OG = its class optimum on %d instances, %d of them with several rounds (users at p = 0: %d, 0 < p < N: %d, "
              "p = N: %d); %d seeds infeasible for both",
              compared, multiRound, mix.fullOffload, mix.split, mix.local, infeasible);
        QVERIFY(multiRound >= kInstances / 10);
        QCOMPARE(compared, kInstances);
        QVERIFY(mix.varied());
    }

    void ogLiesBetweenExactAndIpSsa()
    {
        int matches = 0, compared = 0;
        for (int seed = 0; seed < kInstances; ++seed) {
            const RandomScenarioSpec spec = specFor(seed, 4, 3);
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed) + 200000, spec);
            const CostModel model(scenario);
            const Plan og = timedAndVerified(scenario, model, planOg(model), "og");
            const Plan ipssa = timedAndVerified(scenario, model, planIpSsa(model), "ip-ssa");
            if (ipssa.feasible) {
                QVERIFY2(og.feasible, scenario.name.c_str());
                QVERIFY2(og.totalEnergyMj <= ipssa.totalEnergyMj * (1 + 1e-12),
                         (scenario.name + ": OG worse than IP-SSA").c_str());
            }
            Expected<Schedule> exact = planExact(model);
            if (!exact) {
                QVERIFY(!og.feasible);
                continue;
            }
            if (!og.feasible)
                continue; // the class can miss a plan that another batch order finds
            ++compared;
            const Plan optimum = timedAndVerified(scenario, model, *exact, "exact");
            QVERIFY2(optimum.totalEnergyMj <= og.totalEnergyMj * (1 + 1e-12), (scenario.name + ": exact worse than OG").c_str());
            if (nearlyEqual(optimum.totalEnergyMj, og.totalEnergyMj))
                ++matches;
            else
                qInfo("%s: OG %.9g mJ above the global optimum %.9g mJ", scenario.name.c_str(), og.totalEnergyMj,
                      optimum.totalEnergyMj);
        }
        qInfo("OG matched the global optimum on %d of %d tiny instances (M <= 4, N <= 3)", matches, compared);
        QVERIFY(compared >= kInstances / 2);
    }

    void exactIsNoWorseThanAnyPlannerWithBatchDependentLatency()
    {
        int compared = 0;
        for (int seed = 0; seed < 300; ++seed) {
            RandomScenarioSpec spec = specFor(seed, 5, 4);
            spec.constantEdge = false;
            spec.maxBatch = 1 + seed % 4;
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed) + 300000, spec);
            const CostModel model(scenario);
            Expected<Schedule> exact = planExact(model);
            double best = std::numeric_limits<double>::infinity();
            for (const Schedule& schedule :
                 {planLocal(model), planNoBatching(model), planFullOffload(model), planIpSsa(model), planOg(model)}) {
                const Plan plan = timedAndVerified(scenario, model, schedule, "baseline");
                if (plan.feasible)
                    best = std::min(best, plan.totalEnergyMj);
            }
            if (!exact) {
                QCOMPARE(int(exact.error().code), int(ErrorCode::Infeasible));
                QVERIFY2(!std::isfinite(best), (scenario.name + ": exact finds no plan but a planner does").c_str());
                continue;
            }
            const Plan optimum = timedAndVerified(scenario, model, *exact, "exact");
            QVERIFY2(optimum.feasible, scenario.name.c_str());
            QVERIFY2(optimum.totalEnergyMj <= best * (1 + 1e-12), (scenario.name + ": a planner beats exact").c_str());
            ++compared;
        }
        qInfo("exact <= every planner on %d instances with affine latency and B_max 1..4", compared);
        QVERIFY(compared >= 100);
    }
};

QTEST_APPLESS_MAIN(TestOptimality)
#include "test_optimality.moc"
