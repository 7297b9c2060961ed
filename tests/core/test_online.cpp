// Online mode: arrival traces, the slot simulator, dispatch policies and the online block of
// scenario files.
#include "core/model/costmodel.h"
#include "core/online/online.h"
#include "core/io/scenarioio.h"

#include <QTest>

#include <cmath>

using namespace coinfer;

namespace {

Scenario onlineExample()
{
    Expected<Scenario> scenario = readScenario(COINFER_EXAMPLES "/online.json");
    return *scenario;
}

} // namespace

class TestOnline : public QObject {
    Q_OBJECT

private slots:
    void tracesAreSeededAndFollowTheRate()
    {
        Scenario scenario = onlineExample();
        scenario.online.horizonMs = 50'000;
        const auto a = makeArrivalTrace(scenario, 7), b = makeArrivalTrace(scenario, 7), c = makeArrivalTrace(scenario, 8);
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].releaseMs, b[i].releaseMs);
            QCOMPARE(a[i].deadlineMs, b[i].deadlineMs);
        }
        QVERIFY(a.size() != c.size() || a[0].releaseMs != c[0].releaseMs);
        // 8 users x 12 per second x 50 s = 4800 expected; Poisson spread is about 70.
        QVERIFY2(std::fabs(static_cast<double>(a.size()) - 4800) < 350, qPrintable(QString::number(a.size())));
        for (size_t i = 1; i < a.size(); ++i)
            QVERIFY(a[i - 1].releaseMs <= a[i].releaseMs);
        for (const OnlineTask& task : a) {
            const double relative = task.deadlineMs - task.releaseMs;
            const double base = scenario.users[static_cast<size_t>(task.user)].deadlineMs;
            QVERIFY(relative >= 0.8 * base - 1e-9 && relative <= 1.2 * base + 1e-9);
        }
        scenario.users[0].deadlineJitter = 0; // one user's own jitter
        for (const OnlineTask& task : makeArrivalTrace(scenario, 7))
            if (task.user == 0)
                QCOMPARE(task.deadlineMs - task.releaseMs, scenario.users[0].deadlineMs);
        scenario.online.bernoulli = true;
        const auto bernoulli = makeArrivalTrace(scenario, 7);
        for (const OnlineTask& task : bernoulli)
            QCOMPARE(std::fmod(task.releaseMs, scenario.online.slotMs), 0.0);
    }

    void everyTaskIsServedOnceAndNoneMissesWhenLocalIsPossible()
    {
        const Scenario scenario = onlineExample();
        const auto trace = makeArrivalTrace(scenario, 3);
        const OnlineResult local = localOnlyResult(scenario, trace);
        QCOMPARE(local.misses, 0); // the example's deadlines allow local computing
        for (const DispatchPolicy& policy : {immediatePolicy(), periodicPolicy(50, scenario.online.slotMs), thresholdPolicy(0.0),
                                             thresholdPolicy(0.3), thresholdPolicy(1.0)}) {
            for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
                const OnlineResult result = runEpisode(scenario, planner, trace, policy);
                QCOMPARE(result.tasks, static_cast<int>(trace.size()));
                QCOMPARE(result.misses, 0); // forced dispatch keeps every task in time
                QVERIFY(result.energyMj <= local.energyMj * (1 + 1e-12));
                QCOMPARE(result.localEnergyMj, local.localEnergyMj);
                QVERIFY(result.batchMembers >= result.batches);
            }
        }
    }

    void aRecordedEpisodeAccountsForEveryTaskAndMillijoule()
    {
        // The dispatch log (what the Online page plays) adds up to the episode's totals: every
        // released task in exactly one dispatch, and the plans' energies and batches summed.
        const Scenario scenario = onlineExample();
        const auto trace = makeArrivalTrace(scenario, 5);
        OnlineRecord record;
        const OnlineResult result = runEpisode(scenario, OnlinePlanner::Og, trace, thresholdPolicy(0.3), &record);
        QCOMPARE(static_cast<int>(record.dispatches.size()), result.dispatches);
        QCOMPARE(record.dispatchMs.size(), record.dispatches.size());
        size_t tasks = 0;
        long long batches = 0;
        double energyMj = 0;
        double previousMs = -1;
        for (const OnlineDispatch& dispatch : record.dispatches) {
            QVERIFY(dispatch.atMs > previousMs);
            previousMs = dispatch.atMs;
            QCOMPARE(dispatch.plan.users.size(), dispatch.tasks.size());
            for (const OnlineTask& task : dispatch.tasks)
                QVERIFY(task.releaseMs <= dispatch.atMs + 1e-9);
            tasks += dispatch.tasks.size();
            batches += static_cast<long long>(dispatch.plan.batches.size());
            energyMj += dispatch.plan.totalEnergyMj;
        }
        QCOMPARE(tasks, trace.size());
        QCOMPARE(batches, result.batches);
        QVERIFY(std::fabs(energyMj - result.energyMj) <= 1e-9 * result.energyMj);
    }

    void waitingForBatchesSavesEnergyUnderLoad()
    {
        const Scenario scenario = onlineExample();
        OnlineResult immediate, waiting;
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            const auto trace = makeArrivalTrace(scenario, seed);
            immediate.add(runEpisode(scenario, OnlinePlanner::Og, trace, immediatePolicy()));
            waiting.add(runEpisode(scenario, OnlinePlanner::Og, trace, thresholdPolicy(0.3)));
        }
        QVERIFY(waiting.meanBatchSize() > immediate.meanBatchSize());
        QVERIFY(waiting.energyMj < immediate.energyMj);
    }

    void rewardCountsEnergyAndMisses()
    {
        const Scenario scenario = onlineExample();
        OnlineSimulator simulator(scenario, OnlinePlanner::Og, makeArrivalTrace(scenario, 5));
        double rewards = 0;
        while (!simulator.done())
            rewards += simulator.step(simulator.observe().poolSize > 0);
        const CostModel model(scenario);
        double meanLocal = 0;
        for (int m = 0; m < model.userCount(); ++m)
            meanLocal += model.energyMj(m, model.subtaskCount()) / model.userCount();
        QVERIFY(std::fabs(rewards + simulator.result().energyMj / meanLocal + 20.0 * simulator.result().misses) < 1e-6 * std::fabs(rewards));
        const OnlineObservation& last = simulator.observe();
        QCOMPARE(last.poolSize, 0);
        for (double feature : last.features)
            QVERIFY(feature >= 0 && feature <= 1);
    }

    void badOnlineBlocksNameTheField()
    {
        const char* const cases[][2] = {
            {R"("online": {"slot_ms": 0})", "online.slot_ms: must be greater than 0"},
            {R"("online": {"rate_per_s": -1})", "online.rate_per_s: must be at least 0"},
            {R"("online": {"process": "bernoulli", "slot_ms": 100, "rate_per_s": 20})", "online.rate_per_s: with Bernoulli arrivals"},
            {R"("online": {"process": "hawkes"})", "online.process: must be \"poisson\" or \"bernoulli\""},
            {R"("online": {"deadline_jitter": 1.5})", "online.deadline_jitter: must be below 1"},
            {R"("online": {}, "population": {"count": 2, "seed": 1, "device_mix": [], "deadline_ms": {"min": 1, "max": 2}})",
             "population.device_mix: must not be empty"},
        };
        for (const auto& entry : cases) {
            const std::string text = std::string(R"({"format": "coinfer-scenario", "version": 1,
                "dnn": {"input_bytes": 100, "max_batch": 2, "subtasks": [{"output_bytes": 1, "flops": 1, "edge_constant_ms": 1}]},
                "users": [{"id": "a", "deadline_ms": 10, "local_latency_ms": [1], "local_energy_mj": [1], "uplink_rate_mbps": 1,
                           "tx_power_w": 0.1, "arrival_rate_per_s": 3}], )") + entry[0] + "}";
            Expected<Scenario> scenario = parseScenario(text, "online.json");
            QVERIFY(!scenario.has_value());
            QVERIFY2(scenario.error().message.find(entry[1]) != std::string::npos, scenario.error().message.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestOnline)
#include "test_online.moc"
