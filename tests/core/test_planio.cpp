// The streaming plan writer writes the bytes that the writer before it (nlohmann's
// document and dump(2), tests/core/planioreference.cpp) wrote, for every planner's plans and for
// the values that format differently: null, whole numbers, exponents, escaped ids.
#include "core/io/planio.h"
#include "core/model/costmodel.h"
#include "core/model/randomscenario.h"
#include "core/planning/planner.h"
#include "planioreference.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace coinfer;

class TestPlanIo : public QObject {
    Q_OBJECT

private slots:
    void writesWhatTheDocumentWroteForEveryPlanner_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 8; ++seed)
            QTest::addRow("seed %d", seed) << seed;
    }

    void writesWhatTheDocumentWroteForEveryPlanner()
    {
        QFETCH(int, seed);
        RandomScenarioSpec spec;
        spec.users = 3 + seed;
        spec.subtasks = 1 + seed % 4;
        spec.maxBatch = 1 + seed % 3;
        spec.constantEdge = seed % 2 == 0;
        spec.localAlwaysFeasible = seed % 3 != 0;
        const Scenario scenario = makeRandomScenario(static_cast<std::uint64_t>(seed), spec);
        const CostModel model(scenario);
        PlanOptions options;
        options.control.timeLimitMs = 200;
        int written = 0;
        for (Algorithm algorithm : allAlgorithms()) {
            const Expected<Plan> plan = makePlan(scenario, model, algorithm, nullptr, options);
            if (!plan)
                continue; // a user infeasible alone: no plan to write
            QCOMPARE(planToJson(scenario, *plan), reference::planToJsonBefore(scenario, *plan));
            ++written;
        }
        if (spec.localAlwaysFeasible)
            QVERIFY(written == static_cast<int>(allAlgorithms().size()));
    }

    void writesWhatTheDocumentWroteForOddValues()
    {
        Scenario scenario;
        for (const char* id : {"plain", "quote\"d", "back\\slash", "tab\there",
                               "\xC3\xBC"
                               "ber",
                               "", "\x7f", "new\nline"}) {
            User user;
            user.id = id;
            scenario.users.push_back(user);
        }
        Plan plan;
        plan.algorithm = "hand \"made\"";
        plan.feasible = true;
        plan.totalEnergyMj = 1e300;
        plan.localEnergyMj = NAN;
        plan.savingPercent = -0.0;
        plan.lowerBoundMj = 1e-300;
        plan.provenOptimal = true;
        plan.searchEnd = "completed";
        const double values[] = {0.0,
                                 -0.0,
                                 1.0,
                                 100.0,
                                 1e15,
                                 1e16,
                                 1e17,
                                 123456789012345680000.0,
                                 0.1,
                                 1e-4,
                                 1e-5,
                                 5e-324,
                                 std::numeric_limits<double>::max(),
                                 -2.5,
                                 INFINITY,
                                 -INFINITY,
                                 NAN,
                                 1.0 / 3.0};
        for (size_t m = 0; m < scenario.users.size(); ++m) {
            UserOutcome outcome;
            outcome.partition = static_cast<int>(m);
            outcome.group = -static_cast<int>(m);
            outcome.energyMj = values[m % std::size(values)];
            outcome.uploadStartMs = values[(m + 3) % std::size(values)];
            outcome.uploadEndMs = values[(m + 7) % std::size(values)];
            outcome.finishMs = values[(m + 11) % std::size(values)];
            outcome.deadlineMs = values[(m + 13) % std::size(values)];
            plan.users.push_back(outcome);
        }
        plan.batches.push_back({1, {0, 1, 2, 3}, 0.0, 1e-7});
        plan.batches.push_back({2, {}, 5.0, 5.0});
        plan.batches.push_back({3, {7, 6, 5, 4}, -0.0, INFINITY});
        QCOMPARE(planToJson(scenario, plan), reference::planToJsonBefore(scenario, plan));
        plan.statesFeasible = false;
        plan.feasible = false;
        plan.searchEnd.clear();
        plan.lowerBoundMj = NAN;
        plan.savingPercent = NAN;
        plan.users.clear();
        scenario.users.clear();
        plan.batches.clear();
        QCOMPARE(planToJson(scenario, plan), reference::planToJsonBefore(scenario, plan));
    }

    void tableKeepsEachIdOnOneLine()
    {
        // A NUL must not cut the id short, nor a newline break the row.
        Scenario scenario;
        scenario.dnn.subtasks.resize(1);
        for (const std::string& id : {std::string("a\nb"), std::string("c\0d", 3), std::string("e\\f")}) {
            User user;
            user.id = id;
            user.localEnergyMj = {1.0};
            scenario.users.push_back(user);
        }
        Plan plan;
        plan.algorithm = "local";
        plan.users.resize(3);
        for (UserOutcome& user : plan.users)
            user.partition = 1;
        const QString table = QString::fromStdString(planToTable(scenario, plan));
        const QStringList lines = table.split('\n');
        QVERIFY2(lines.size() > 3 && lines[1].startsWith("a\\nb ") && lines[2].startsWith("c\\x00d ") &&
                     lines[3].startsWith("e\\\\f "),
                 qPrintable(table));
    }
};

QTEST_APPLESS_MAIN(TestPlanIo)
#include "test_planio.moc"
