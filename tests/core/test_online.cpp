// Online mode: arrival traces, the slot simulator, dispatch policies and the online block of
// scenario files.
#include "core/model/costmodel.h"
#include "core/online/online.h"
#include "core/io/scenarioio.h"
#include "core/io/traceio.h"

#include <QTemporaryDir>
#include <fstream>

#include <QTest>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

Scenario onlineExample()
{
    Expected<Scenario> scenario = readScenario(COINFER_EXAMPLES "/online.json");
    return *scenario;
}

/// A one-sub-task scenario with users "a" and "b" and the given online block.
std::string smallScenario(const std::string& online)
{
    return std::string(R"({"format": "coinfer-scenario", "version": 1,
        "dnn": {"input_bytes": 100, "max_batch": 2, "subtasks": [{"output_bytes": 1, "flops": 1, "edge_constant_ms": 1}]},
        "users": [{"id": "a", "deadline_ms": 10, "local_latency_ms": [1], "local_energy_mj": [1], "uplink_rate_mbps": 1, "tx_power_w": 0.1},
                  {"id": "b", "deadline_ms": 10, "local_latency_ms": [1], "local_energy_mj": [1], "uplink_rate_mbps": 1, "tx_power_w": 0.1}],
        "online": )") +
           online + "}";
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

    void gpuBusyIsTheShareOfTheEpisodesOwnSpan()
    {
        // Overloaded, so that the last batches run past the horizon: the GPU's share is taken of
        // the episode's own span (first arrival to last completion), recomputed here from the
        // dispatch log as the union of the batches' intervals.
        Scenario scenario = onlineExample();
        scenario.online.horizonMs = 400;
        scenario.online.ratePerSecond = 150;
        OnlineResult total;
        double unionMs = 0, spanMs = 0;
        for (std::uint64_t seed : {1, 2}) {
            const auto trace = makeArrivalTrace(scenario, seed);
            OnlineRecord record;
            const OnlineResult result = runEpisode(scenario, OnlinePlanner::Og, trace, thresholdPolicy(0.3), &record);
            total.add(result);
            std::vector<std::pair<double, double>> intervals;
            double lastCompletionMs = 0;
            for (const OnlineDispatch& dispatch : record.dispatches) {
                for (const TimedBatch& batch : dispatch.plan.batches)
                    intervals.emplace_back(dispatch.atMs + batch.startMs, dispatch.atMs + batch.endMs);
                for (const UserOutcome& user : dispatch.plan.users)
                    lastCompletionMs = std::max(lastCompletionMs, dispatch.atMs + user.finishMs);
            }
            std::sort(intervals.begin(), intervals.end());
            double coveredUntilMs = -1, episodeUnionMs = 0;
            for (const auto& [startMs, endMs] : intervals) {
                episodeUnionMs += std::max(0.0, endMs - std::max(startMs, coveredUntilMs));
                coveredUntilMs = std::max(coveredUntilMs, endMs);
            }
            QVERIFY2(coveredUntilMs > scenario.online.horizonMs, "the case needs batches past the horizon");
            QVERIFY2(result.gpuBusyMs > 0.9 * scenario.online.horizonMs, "the case needs a GPU busy most of the horizon");
            const double episodeSpanMs = lastCompletionMs - trace.front().releaseMs;
            QVERIFY(std::fabs(result.gpuUtilisation() - episodeUnionMs / episodeSpanMs) < 1e-9);
            QVERIFY(result.gpuUtilisation() <= 1.0);
            unionMs += episodeUnionMs;
            spanMs += episodeSpanMs;
        }
        QVERIFY(std::fabs(total.gpuUtilisation() - unionMs / spanMs) < 1e-9);
        QVERIFY(total.gpuUtilisation() > 0.5 && total.gpuUtilisation() <= 1.0);
        const OnlineResult local = localOnlyResult(scenario, makeArrivalTrace(scenario, 1));
        QCOMPARE(local.gpuUtilisation(), 0.0);
        QCOMPARE(OnlineResult{}.gpuUtilisation(), 0.0);
    }

    void theEpisodeRecorderCountsEachSlotsReleases()
    {
        // The one recorder (the Online page's charts, simulate --record) against a count taken
        // from the seeded trace itself: slot i's arrivals are the releases after its start, up to
        // the next slot's start, the last slot taking every later release; releases at 0 wait in
        // the first slot's pool. The CSV says the same, with the MMPP's state from its own path.
        Expected<Scenario> read = readScenario(COINFER_EXAMPLES "/online-bursty.json");
        QVERIFY(read);
        const Scenario& scenario = *read;
        const std::uint64_t seed = 7;
        const auto trace = makeArrivalTrace(scenario, seed);
        const PolicyThreshold threshold = [](const OnlineObservation&) { return 0.3; };
        OnlineRecord record;
        runEpisode(scenario, OnlinePlanner::Og, trace, thresholdPolicy(0.3), &record, threshold);
        const size_t slotCount = record.slotStartMs.size();
        const double slotMs = scenario.online.slotMs;
        QCOMPARE(static_cast<double>(slotCount), std::ceil(scenario.online.horizonMs / slotMs));
        QCOMPARE(record.arrivals.size(), slotCount);
        QCOMPARE(record.threshold.size(), slotCount);
        std::vector<int> counted(slotCount, 0);
        int atStart = 0;
        for (const OnlineTask& task : trace) {
            if (task.releaseMs <= 0) {
                ++atStart;
                continue;
            }
            size_t slot = 0;
            while (slot + 1 < slotCount && task.releaseMs > static_cast<double>(slot + 1) * slotMs)
                ++slot;
            ++counted[slot];
        }
        for (size_t slot = 0; slot < slotCount; ++slot)
            QVERIFY2(
                record.arrivals[slot] == counted[slot],
                qPrintable(QString("slot %1: recorded %2, counted %3").arg(slot).arg(record.arrivals[slot]).arg(counted[slot])));
        QCOMPARE(record.poolSize.front(), atStart);

        const std::vector<MmppSegment> path = makeMmppPath(scenario.online, seed, 0);
        QVERIFY(!path.empty());
        std::istringstream csv(onlineRecordCsv(scenario, record, seed));
        std::string line;
        std::getline(csv, line);
        QCOMPARE(line, std::string("slot_ms,arrivals,pool,min_slack_share,threshold,dispatched,mmpp_state"));
        size_t row = 0, dispatched = 0;
        while (std::getline(csv, line)) {
            QVERIFY(row < slotCount);
            std::vector<std::string> cells;
            std::istringstream fields(line);
            for (std::string cell; std::getline(fields, cell, ',');)
                cells.push_back(cell);
            QCOMPARE(cells.size(), size_t{7});
            QCOMPARE(std::stod(cells[0]), record.slotStartMs[row]);
            QCOMPARE(std::stoi(cells[1]), counted[row]);
            QCOMPARE(std::stoi(cells[2]), record.poolSize[row]);
            QCOMPARE(cells[4], std::string("0.3000"));
            dispatched += cells[5] == "1";
            int state = -1;
            for (const MmppSegment& segment : path)
                if (segment.startMs <= record.slotStartMs[row] && record.slotStartMs[row] < segment.endMs)
                    state = segment.state;
            QCOMPARE(cells[6], std::to_string(state));
            ++row;
        }
        QCOMPARE(row, slotCount);
        QCOMPARE(dispatched, record.dispatchMs.size());
        QVERIFY(dispatched > 0);
        QCOMPARE(recordEpisodeCsv(scenario, OnlinePlanner::Og, seed, thresholdPolicy(0.3), threshold), csv.str());
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
        QVERIFY(std::fabs(rewards + simulator.result().energyMj / meanLocal + 20.0 * simulator.result().misses) <
                1e-6 * std::fabs(rewards));
        const OnlineObservation& last = simulator.observe();
        QCOMPARE(last.poolSize, 0);
        for (double feature : last.features)
            QVERIFY(feature >= 0 && feature <= 1);
    }

    void mmppRatesAndStaysMatchTheirParameters()
    {
        // A quiet state (1 per second per user, mean stay 1.5 s) and a burst (30 per second, 0.4 s)
        // over 2000 s: about 1050 stays in each state, so the mean stay's standard error is about
        // 3% (exponential stays); tolerance 10%. Arrivals per state are 8 x 1 x ~1580 s = 12,600 and
        // 8 x 30 x ~420 s = 100,000 (standard error under 1%); tolerance 5%.
        Scenario scenario = onlineExample();
        scenario.online.mmpp = true;
        scenario.online.mmppStates = {{1.0, 1500.0}, {30.0, 400.0}};
        scenario.online.horizonMs = 2'000'000;
        const std::uint64_t seed = 11;
        const std::vector<MmppSegment> path = makeMmppPath(scenario.online, seed, 0);
        QVERIFY(path.size() > 1000);
        QCOMPARE(path.front().startMs, 0.0);
        QCOMPARE(path.back().endMs, scenario.online.horizonMs);
        double timeIn[2] = {0, 0};
        int stays[2] = {0, 0};
        for (size_t i = 0; i < path.size(); ++i) {
            if (i > 0) {
                QCOMPARE(path[i].startMs, path[i - 1].endMs);
                QVERIFY(path[i].state != path[i - 1].state); // two states: the chain alternates
            }
            timeIn[path[i].state] += path[i].endMs - path[i].startMs;
            if (i + 1 < path.size()) { // the last stay is cut by the horizon
                stays[path[i].state] += 1;
            }
        }
        double completeTime[2] = {0, 0};
        for (size_t i = 0; i + 1 < path.size(); ++i)
            completeTime[path[i].state] += path[i].endMs - path[i].startMs;
        for (int k = 0; k < 2; ++k) {
            const double meanStay = completeTime[k] / stays[k];
            const double expected = scenario.online.mmppStates[static_cast<size_t>(k)].meanStayMs;
            QVERIFY2(std::fabs(meanStay / expected - 1) < 0.10,
                     qPrintable(QString("state %1: mean stay %2 ms").arg(k).arg(meanStay)));
        }
        const std::vector<OnlineTask> trace = makeArrivalTrace(scenario, seed);
        double arrivals[2] = {0, 0};
        size_t at = 0;
        for (const OnlineTask& task : trace) {
            while (task.releaseMs >= path[at].endMs)
                ++at;
            arrivals[path[at].state] += 1;
        }
        for (int k = 0; k < 2; ++k) {
            const double rate = arrivals[k] / (timeIn[k] / 1000.0) / scenario.userCount();
            const double expected = scenario.online.mmppStates[static_cast<size_t>(k)].ratePerSecond;
            QVERIFY2(std::fabs(rate / expected - 1) < 0.05,
                     qPrintable(QString("state %1: %2 per second per user").arg(k).arg(rate)));
        }
        // Seeded: the same seed gives the same trace, another seed another one.
        scenario.online.horizonMs = 20'000;
        const auto a = makeArrivalTrace(scenario, 3), b = makeArrivalTrace(scenario, 3), c = makeArrivalTrace(scenario, 4);
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].user, b[i].user);
            QCOMPARE(a[i].releaseMs, b[i].releaseMs);
            QCOMPARE(a[i].deadlineMs, b[i].deadlineMs);
        }
        QVERIFY(a.size() != c.size() || a[0].releaseMs != c[0].releaseMs);
        // One shared chain: no user releases in a silent state; per user: each its own chain.
        scenario.online.mmppStates = {{0.0, 500.0}, {20.0, 500.0}};
        const auto sharedPath = makeMmppPath(scenario.online, 3, 0);
        for (const OnlineTask& task : makeArrivalTrace(scenario, 3))
            for (const MmppSegment& segment : sharedPath)
                if (task.releaseMs >= segment.startMs && task.releaseMs < segment.endMs)
                    QCOMPARE(segment.state, 1);
        scenario.online.mmppPerUser = true;
        int outsideShared = 0;
        for (const OnlineTask& task : makeArrivalTrace(scenario, 3))
            for (const MmppSegment& segment : sharedPath)
                if (task.releaseMs >= segment.startMs && task.releaseMs < segment.endMs && segment.state == 0)
                    ++outsideShared;
        QVERIFY(outsideShared > 0);
        QVERIFY(makeMmppPath(scenario.online, 3, 1).front().endMs != makeMmppPath(scenario.online, 3, 2).front().endMs);
    }

    void mmppBlocksAreReadAndBadOnesNamed()
    {
        Expected<Scenario> good = parseScenario(smallScenario(R"({"process": "mmpp", "per_user": true, "states": [
            {"rate_per_s": 1, "mean_stay_s": 1.5}, {"rate_per_s": 30, "mean_stay_s": 0.4}]})"),
                                                "s.json");
        QVERIFY2(good.has_value(), good ? "" : good.error().message.c_str());
        QVERIFY(good->online.mmpp && good->online.mmppPerUser);
        QCOMPARE(good->online.mmppStates.size(), size_t(2));
        QCOMPARE(good->online.mmppStates[1].ratePerSecond, 30.0);
        QCOMPARE(good->online.mmppStates[1].meanStayMs, 400.0);
        // Written and read back, the block is the same.
        Expected<Scenario> again = parseScenario(scenarioToJson(*good), "again.json");
        QVERIFY(again.has_value());
        QVERIFY(again->online == good->online);
        const char* const cases[][2] = {
            {R"({"process": "mmpp"})", "online.states: is missing"},
            {R"({"process": "mmpp", "states": []})", "online.states: must not be empty"},
            {R"({"process": "mmpp", "states": [{"rate_per_s": -1, "mean_stay_s": 1}]})",
             "online.states[0].rate_per_s: must be at least 0"},
            {R"({"process": "mmpp", "states": [{"rate_per_s": 1, "mean_stay_s": 1}, {"rate_per_s": 1, "mean_stay_s": 0}]})",
             "online.states[1].mean_stay_s: must be greater than 0"},
            {R"({"process": "mmpp", "states": [{"rate_per_s": 1}]})", "online.states[0].mean_stay_s: is missing"},
            {R"({"process": "mmpp", "per_user": 1, "states": [{"rate_per_s": 1, "mean_stay_s": 1}]})",
             "online.per_user: must be true or false"},
            {R"({"process": "mmpp", "rate_per_s": 3, "states": [{"rate_per_s": 1, "mean_stay_s": 1}]})",
             "online.rate_per_s: conflicts with \"process\": \"mmpp\""},
            {R"({"process": "poisson", "states": [{"rate_per_s": 1, "mean_stay_s": 1}]})",
             "online.states: belongs to \"process\": \"mmpp\""},
        };
        for (const auto& entry : cases) {
            Expected<Scenario> scenario = parseScenario(smallScenario(entry[0]), "s.json");
            QVERIFY2(!scenario.has_value(), entry[0]);
            QVERIFY2(scenario.error().message.find(entry[1]) != std::string::npos, scenario.error().message.c_str());
        }
    }

    void tracesAreReplayedAndBadOnesNamedByLineAndColumn()
    {
        const std::vector<std::string> ids{"a", "b"};
        Expected<std::vector<TraceArrival>> good =
            parseArrivalTrace("user,release_ms,deadline_ms\nb,0,50\n\na, 12.5 ,20\r\na,12.5,30\n", "t.csv", ids, 1000);
        QVERIFY2(good.has_value(), good ? "" : good.error().message.c_str());
        QCOMPARE(good->size(), size_t(3));
        QVERIFY(((*good)[0] == TraceArrival{1, 0, 50}));
        QVERIFY(((*good)[1] == TraceArrival{0, 12.5, 20}));
        const char* const cases[][2] = {
            {"", "t.csv: line 1: is empty"},
            {"user,release,deadline_ms\n", "t.csv: line 1, column 2 (release_ms): the header must be"},
            {"user,release_ms,deadline_ms\nzoe,1,2\n", "t.csv: line 2, column 1 (user): unknown user 'zoe'"},
            {"user,release_ms,deadline_ms\na,5,2\nb,4,2\n",
             "t.csv: line 3, column 2 (release_ms): 4 is earlier than the line before"},
            {"user,release_ms,deadline_ms\na,-1,2\n", "t.csv: line 2, column 2 (release_ms): must be at least 0, not -1"},
            {"user,release_ms,deadline_ms\na,1,-2\n",
             "t.csv: line 2, column 3 (deadline_ms): is relative to the release and must be greater than 0"},
            {"user,release_ms,deadline_ms\na,1x,2\n", "t.csv: line 2, column 2 (release_ms): '1x' is not a number"},
            {"user,release_ms,deadline_ms\na,1,nan\n", "t.csv: line 2, column 3 (deadline_ms): 'nan' is not a number"},
            {"user,release_ms,deadline_ms\na,1\n", "t.csv: line 2, column 3 (deadline_ms): has 2 columns, not 3"},
            {"user,release_ms,deadline_ms\na,1000,2\n",
             "t.csv: line 2, column 2 (release_ms): 1000 is not before the end of the episode"},
        };
        for (const auto& entry : cases) {
            Expected<std::vector<TraceArrival>> trace = parseArrivalTrace(entry[0], "t.csv", ids, 1000);
            QVERIFY2(!trace.has_value(), entry[0]);
            QVERIFY2(trace.error().message.find(entry[1]) != std::string::npos, trace.error().message.c_str());
        }

        // "trace" in the online block: relative to the scenario, replayed whatever the seed.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string base = dir.path().toStdString();
        std::ofstream(base + "/arrivals.csv") << "user,release_ms,deadline_ms\na,0,8\nb,3,9\n";
        std::ofstream(base + "/bad.csv") << "user,release_ms,deadline_ms\na,0,8\nc,3,9\n";
        std::ofstream(base + "/s.json") << smallScenario(R"({"slot_ms": 1, "horizon_ms": 100, "trace": "arrivals.csv"})");
        std::ofstream(base + "/bad.json") << smallScenario(R"({"slot_ms": 1, "horizon_ms": 100, "trace": "bad.csv"})");
        Expected<Scenario> scenario = readScenario(base + "/s.json");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        for (std::uint64_t seed : {1u, 2u}) {
            const auto trace = makeArrivalTrace(*scenario, seed);
            QCOMPARE(trace.size(), size_t(2));
            QCOMPARE(trace[1].user, 1);
            QCOMPARE(trace[1].releaseMs, 3.0);
            QCOMPARE(trace[1].deadlineMs, 12.0);
        }
        QCOMPARE(runEpisode(*scenario, OnlinePlanner::Og, makeArrivalTrace(*scenario, 1), immediatePolicy()).tasks, 2);
        Expected<Scenario> bad = readScenario(base + "/bad.json");
        QVERIFY(!bad.has_value());
        QVERIFY2(bad.error().message.find("online.trace: ") != std::string::npos &&
                     bad.error().message.find("bad.csv: line 3, column 1 (user): unknown user 'c'") != std::string::npos,
                 bad.error().message.c_str());
    }

    void badOnlineBlocksNameTheField()
    {
        const char* const cases[][2] = {
            {R"("online": {"slot_ms": 0})", "online.slot_ms: must be greater than 0"},
            {R"("online": {"rate_per_s": -1})", "online.rate_per_s: must be at least 0"},
            {R"("online": {"process": "bernoulli", "slot_ms": 100, "rate_per_s": 20})",
             "online.rate_per_s: with Bernoulli arrivals"},
            {R"("online": {"process": "hawkes"})", "online.process: must be \"poisson\", \"bernoulli\" or \"mmpp\""},
            {R"("online": {"deadline_jitter": 1.5})", "online.deadline_jitter: must be below 1"},
            {R"("online": {}, "population": {"count": 2, "seed": 1, "device_mix": [], "deadline_ms": {"min": 1, "max": 2}})",
             "population.device_mix: must not be empty"},
        };
        for (const auto& entry : cases) {
            const std::string text = std::string(R"({"format": "coinfer-scenario", "version": 1,
                "dnn": {"input_bytes": 100, "max_batch": 2, "subtasks": [{"output_bytes": 1, "flops": 1, "edge_constant_ms": 1}]},
                "users": [{"id": "a", "deadline_ms": 10, "local_latency_ms": [1], "local_energy_mj": [1], "uplink_rate_mbps": 1,
                           "tx_power_w": 0.1, "arrival_rate_per_s": 3}], )") +
                                     entry[0] + "}";
            Expected<Scenario> scenario = parseScenario(text, "online.json");
            QVERIFY(!scenario.has_value());
            QVERIFY2(scenario.error().message.find(entry[1]) != std::string::npos, scenario.error().message.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestOnline)
#include "test_online.moc"
