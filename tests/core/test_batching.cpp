// Batch-size-dependent latency and B_max below the number of users: every planner still returns
// a plan the simulator confirms.
#include "core/planning/planner.h"
#include "core/model/randomscenario.h"
#include "core/simulation/simulator.h"

#include <QTest>

using namespace coinfer;

class TestBatching : public QObject {
    Q_OBJECT

private slots:
    void plannersStayFeasible_data()
    {
        QTest::addColumn<int>("users");
        QTest::addColumn<int>("subtasks");
        QTest::addColumn<int>("maxBatch");
        QTest::addColumn<bool>("constantEdge");
        QTest::newRow("affine, B_max 3, 12 users") << 12 << 5 << 3 << false;
        QTest::newRow("affine, B_max 1") << 6 << 4 << 1 << false;
        QTest::newRow("constant, B_max 2, 9 users") << 9 << 3 << 2 << true;
        QTest::newRow("affine, B_max 16, 40 users") << 40 << 8 << 16 << false;
        QTest::newRow("affine, B_max 64, 200 users") << 200 << 10 << 64 << false;
    }

    void plannersStayFeasible()
    {
        QFETCH(int, users);
        QFETCH(int, subtasks);
        QFETCH(int, maxBatch);
        QFETCH(bool, constantEdge);
        int offloadingPlans = 0;
        for (int seed = 0; seed < 40; ++seed) {
            const RandomScenarioSpec spec{.users = users,
                                          .subtasks = subtasks,
                                          .maxBatch = maxBatch,
                                          .constantEdge = constantEdge,
                                          .localAlwaysFeasible = true};
            const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed) + 7000, spec);
            const CostModel model(scenario);
            // Every user can compute locally in time, so a planner that keeps its plans feasible
            // by construction must never return an infeasible one.
            for (Algorithm algorithm : {Algorithm::IpSsa, Algorithm::Og}) {
                std::vector<Violation> violations;
                Expected<Plan> plan = makePlan(scenario, model, algorithm, &violations);
                QVERIFY(plan.has_value());
                QVERIFY2(plan->feasible,
                         qPrintable(QString::fromStdString(algorithmName(algorithm) + " on " + scenario.name + ": " +
                                                           (violations.empty() ? "" : violations.front().message))));
                QVERIFY(verifyPlan(scenario, model, *plan).empty());
                for (const TimedBatch& batch : plan->batches)
                    QVERIFY(static_cast<int>(batch.users.size()) <= maxBatch);
                QVERIFY(plan->totalEnergyMj <= model.localEnergyMj() * (1 + 1e-12));
                offloadingPlans += !plan->batches.empty();
            }
        }
        // Feasible by keeping everyone local would pass every check above: the planners must
        // also use the GPU (the bound iteration used to collapse to all-local plans).
        qInfo("%d of 80 plans offload", offloadingPlans);
        QVERIFY2(offloadingPlans >= 60, qPrintable(QString::number(offloadingPlans)));
    }

    void oversizedSubtaskSplitsIntoSeveralBatches()
    {
        // Generous deadlines: everyone offloads.
        const RandomScenarioSpec spec{.users = 10, .subtasks = 3, .maxBatch = 4, .constantEdge = false, .tightness = 50.0};
        const Scenario scenario = makeRandomScenario(99, spec);
        const CostModel model(scenario);
        const Plan plan = *makePlan(scenario, model, Algorithm::FullOffload);
        QVERIFY(plan.feasible);
        int firstSubtaskBatches = 0;
        for (const TimedBatch& batch : plan.batches)
            firstSubtaskBatches += batch.subtask == 1;
        QCOMPARE(firstSubtaskBatches, 3); // 10 users in batches of at most 4
    }
};

QTEST_APPLESS_MAIN(TestBatching)
#include "test_batching.moc"
