// The explanation of infeasibility (core/planning/feasibility.h) against a brute force over
// partitions written from the SPEC's definitions, on seeded random scenarios, and against the
// planners: a user it names makes makePlan refuse; a scenario where it names nobody and there is
// one user always has a plan.
#include "core/model/costmodel.h"
#include "core/model/randomscenario.h"
#include "core/planning/feasibility.h"
#include "core/planning/planner.h"
#include "tests/common/tolerance.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace coinfer;
using coinfer::testing::nearlyEqual;

namespace {

/// The fastest finish of user @p m at partition @p p with the GPU to itself, from the raw fields.
double bruteFinishMs(const Scenario& scenario, const User& user, int p)
{
    const int n = scenario.dnn.subtaskCount();
    double ms = 0;
    for (int k = 0; k < p; ++k)
        ms += user.localLatencyMs[static_cast<size_t>(k)];
    if (p == n)
        return ms;
    const double bytes = p == 0 ? scenario.dnn.inputBytes : scenario.dnn.subtasks[static_cast<size_t>(p - 1)].outputBytes;
    ms += bytes * 8.0 / (user.uplinkRateMbps * 1e6) * 1e3;
    for (int k = p; k < n; ++k) {
        const auto& curve = scenario.dnn.subtasks[static_cast<size_t>(k)].edgeLatencyMs;
        ms += *std::min_element(curve.begin(), curve.end());
    }
    return ms;
}

} // namespace

class TestFeasibility : public QObject {
    Q_OBJECT

private slots:
    void matchesBruteForceOnRandomScenarios()
    {
        int infeasibleSeen = 0, feasibleSeen = 0;
        for (std::uint64_t seed = 1; seed <= 200; ++seed) {
            RandomScenarioSpec spec;
            spec.users = 1 + static_cast<int>(seed % 7);
            spec.subtasks = 1 + static_cast<int>(seed % 5);
            spec.tightness = 0.3 + 0.1 * static_cast<double>(seed % 8);
            spec.edgeShape = static_cast<EdgeShape>(seed % 7);
            const Scenario scenario = makeRandomScenario(seed, spec);
            const std::vector<UserFeasibility> all = userFeasibility(scenario);
            QCOMPARE(all.size(), scenario.users.size());
            for (const UserFeasibility& f : all) {
                const User& user = scenario.users[static_cast<size_t>(f.user)];
                const int n = scenario.dnn.subtaskCount();
                QVERIFY(nearlyEqual(f.localOnlyMs, bruteFinishMs(scenario, user, n)));
                double fastest = std::numeric_limits<double>::infinity();
                for (int p = 0; p < n; ++p)
                    fastest = std::min(fastest, bruteFinishMs(scenario, user, p));
                QVERIFY2(nearlyEqual(f.fastestOffloadMs, fastest), qPrintable(QString("seed %1 user %2").arg(seed).arg(f.user)));
                QVERIFY(nearlyEqual(bruteFinishMs(scenario, user, f.fastestOffloadPartition), f.fastestOffloadMs));
                QCOMPARE(f.deadlineMs, user.deadlineMs);
                const bool bruteFeasible = std::min(fastest, f.localOnlyMs) <= user.deadlineMs + 1e-6;
                QCOMPARE(f.canMeetDeadline, bruteFeasible);
                (bruteFeasible ? feasibleSeen : infeasibleSeen)++;
            }
            // The planners refuse exactly when some user is named.
            const std::vector<UserFeasibility> hopeless = infeasibleUsers(scenario);
            const CostModel model(scenario);
            QCOMPARE(hopeless.size(), usersInfeasibleAlone(scenario, model).size());
            const Expected<Plan> plan = makePlan(scenario, model, Algorithm::IpSsa);
            if (!hopeless.empty())
                QVERIFY(!plan);
            if (scenario.userCount() == 1 && hopeless.empty()) {
                const Expected<Plan> alone = makePlan(scenario, model, Algorithm::Exact);
                QVERIFY(alone && alone->feasible);
            }
        }
        QVERIFY2(infeasibleSeen > 0 && feasibleSeen > 0, "the seeds must cover both cases");
    }

    void sentenceNamesUsersAndTimes()
    {
        RandomScenarioSpec spec;
        spec.users = 5;
        Scenario scenario = makeRandomScenario(7, spec);
        for (User& user : scenario.users)
            user.deadlineMs = 1e-3; // nobody can finish in a microsecond
        scenario.users[0].id = "phone-7";
        const std::vector<UserFeasibility> hopeless = infeasibleUsers(scenario);
        QCOMPARE(hopeless.size(), size_t{5});
        const QString sentence = QString::fromStdString(describeInfeasibleUsers(scenario, hopeless, 2));
        QVERIFY2(sentence.startsWith("5 users cannot meet their deadline"), qPrintable(sentence));
        QVERIFY(sentence.contains("phone-7 needs at least "));
        QVERIFY(sentence.contains("deadline 0.001 ms"));
        QVERIFY(sentence.contains("and 3 more"));
        QVERIFY(describeInfeasibleUsers(scenario, {}).empty());
    }
};

QTEST_APPLESS_MAIN(TestFeasibility)
#include "test_feasibility.moc"
