// The one schedule simulator: times checked by hand, and every kind of broken plan reported.
#include "core/model/costmodel.h"
#include "core/io/planio.h"
#include "core/planning/planner.h"
#include "core/io/scenarioio.h"
#include "core/model/randomscenario.h"
#include "core/simulation/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <limits>

#include <algorithm>

using namespace coinfer;

namespace {

// 1000 input bytes and 500 bytes after sub-task 1 at 8 Mbps take 1 ms and 0.5 ms to upload.
const char* const kTwoUsers = R"({"format": "coinfer-scenario", "version": 1,
  "dnn": {"input_bytes": 1000, "subtasks": [
    {"output_bytes": 500, "flops": 1, "edge_latency_ms": [2.0, 3.0]},
    {"output_bytes": 10, "flops": 1, "edge_latency_ms": [1.0, 1.5]}]},
  "users": [
    {"id": "a", "deadline_ms": 10, "local_latency_ms": [5, 5], "local_energy_mj": [7, 7], "uplink_rate_mbps": 8, "tx_power_w": 0.5},
    {"id": "b", "deadline_ms": 6, "local_latency_ms": [4, 5], "local_energy_mj": [3, 9], "uplink_rate_mbps": 8, "tx_power_w": 2}]})";

bool has(const std::vector<Violation>& violations, Violation::Kind kind)
{
    return std::any_of(violations.begin(), violations.end(), [&](const Violation& v) { return v.kind == kind; });
}

} // namespace

namespace {

/// No-batching's list schedule as it was first written, a scan of every user per GPU step
/// (O(J*M)): the reference that planNoBatching's heaps must reproduce batch for batch.
std::vector<BatchSpec> noBatchingByScan(const CostModel& model, const std::vector<int>& partitions)
{
    const int users = model.userCount();
    const int n = model.subtaskCount();
    std::vector<int> next(static_cast<size_t>(users));
    std::vector<double> readyMs(static_cast<size_t>(users));
    for (int m = 0; m < users; ++m) {
        const int p = partitions[static_cast<size_t>(m)];
        next[static_cast<size_t>(m)] = p + 1;
        readyMs[static_cast<size_t>(m)] = p < n ? model.arrivalMs(m, p) : 0.0;
    }
    std::vector<BatchSpec> batches;
    double gpuFreeMs = 0;
    for (;;) {
        int chosen = -1;
        double earliestReady = std::numeric_limits<double>::infinity();
        for (int m = 0; m < users; ++m)
            if (next[static_cast<size_t>(m)] <= n)
                earliestReady = std::min(earliestReady, readyMs[static_cast<size_t>(m)]);
        if (earliestReady == std::numeric_limits<double>::infinity())
            break;
        const double startMs = std::max(gpuFreeMs, earliestReady);
        for (int m = 0; m < users; ++m) {
            if (next[static_cast<size_t>(m)] > n || readyMs[static_cast<size_t>(m)] > startMs)
                continue;
            if (chosen < 0 || model.deadlineMs(m) < model.deadlineMs(chosen))
                chosen = m;
        }
        const int subtask = next[static_cast<size_t>(chosen)];
        batches.push_back({subtask, {chosen}});
        gpuFreeMs = startMs + model.edgeMs(subtask, 1);
        readyMs[static_cast<size_t>(chosen)] = gpuFreeMs;
        ++next[static_cast<size_t>(chosen)];
    }
    return batches;
}

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT

    Scenario m_scenario;

    Schedule handSchedule() const { return Schedule{{0, 1}, {0, 0}, {{1, {0}}, {2, {0, 1}}}}; }

private slots:
    void noBatchingHeapsMatchTheScanningReference()
    {
        // Seeded families with distinct, tied and equal deadlines, long GPU steps and tight
        // deadlines: the batches, their order and their members are the reference's exactly.
        int compared = 0;
        for (std::uint64_t seed = 1; seed <= 120; ++seed) {
            RandomScenarioSpec spec;
            spec.users = 1 + static_cast<int>(seed % 40);
            spec.subtasks = 1 + static_cast<int>(seed % 6);
            spec.equalDeadlines = seed % 5 == 0;
            spec.deadlineTies = seed % 3 == 0;
            spec.edgeScale = seed % 4 == 0 ? 20.0 : 1.0;
            spec.tightness = seed % 7 == 0 ? 0.5 : 1.0;
            const Scenario scenario = makeRandomScenario(seed, spec);
            const CostModel model(scenario);
            const Schedule schedule = planNoBatching(model);
            const std::vector<BatchSpec> expected = noBatchingByScan(model, schedule.partitions);
            QCOMPARE(schedule.batches.size(), expected.size());
            for (size_t k = 0; k < expected.size(); ++k) {
                QCOMPARE(schedule.batches[k].subtask, expected[k].subtask);
                QCOMPARE(schedule.batches[k].users, expected[k].users);
            }
            compared += static_cast<int>(expected.size());
        }
        QVERIFY(compared > 1000);
    }

    void initTestCase()
    {
        Expected<Scenario> scenario = parseScenario(kTwoUsers, "two-users");
        QVERIFY(scenario.has_value());
        m_scenario = *scenario;
    }

    void timesMatchHandCalculation()
    {
        const CostModel model(m_scenario);
        std::vector<Violation> violations;
        const Plan plan = simulate(m_scenario, model, handSchedule(), "hand", &violations);
        QVERIFY(violations.empty());
        QVERIFY(plan.feasible);
        // a uploads its input from 0 to 1 ms; b computes sub-task 1 for 4 ms, uploads until 4.5 ms.
        QCOMPARE(plan.users[0].uploadEndMs, 1.0);
        QCOMPARE(plan.users[1].uploadStartMs, 4.0);
        QCOMPARE(plan.users[1].uploadEndMs, 4.5);
        // Batch 1: a's sub-task 1 alone, 1 to 3 ms. Batch 2: both, from 4.5 ms, tau(2) = 1.5 ms.
        QCOMPARE(plan.batches[0].startMs, 1.0);
        QCOMPARE(plan.batches[0].endMs, 3.0);
        QCOMPARE(plan.batches[1].startMs, 4.5);
        QCOMPARE(plan.batches[1].endMs, 6.0);
        QCOMPARE(plan.users[0].finishMs, 6.0);
        QCOMPARE(plan.users[1].finishMs, 6.0);
        // a: 0.5 W * 1 ms; b: 3 mJ + 2 W * 0.5 ms.
        QCOMPARE(plan.users[0].energyMj, 0.5);
        QCOMPARE(plan.users[1].energyMj, 4.0);
        QCOMPARE(plan.localEnergyMj, 14.0 + 12.0);
        QVERIFY(verifyPlan(m_scenario, model, plan).empty());
    }

    void reportsEachBrokenConstraint()
    {
        const CostModel model(m_scenario);
        const Plan good = simulate(m_scenario, model, handSchedule(), "hand");
        auto broken = [&](auto change) {
            Plan plan = good;
            change(plan);
            return verifyPlan(m_scenario, model, plan);
        };
        QVERIFY(has(broken([](Plan& p) {
                        p.batches[1].startMs = 4.0;
                        p.batches[1].endMs = 5.5;
                    }),
                    Violation::Kind::NotReady));
        QVERIFY(has(broken([](Plan& p) { p.batches[0].endMs = 4.8; }), Violation::Kind::GpuOverlap));
        QVERIFY(has(broken([](Plan& p) { p.batches[1].endMs = 5.0; }), Violation::Kind::TooShort));
        QVERIFY(has(broken([](Plan& p) { p.batches[1].users = {0, 1, 1}; }), Violation::Kind::BadMember));
        QVERIFY(has(broken([](Plan& p) { p.batches[1].users = {0, 1, 1}; }), Violation::Kind::BatchTooLarge));
        QVERIFY(has(broken([](Plan& p) { p.batches.pop_back(); }), Violation::Kind::MissingSubtask));
        QVERIFY(has(broken([](Plan& p) {
                        p.batches[1].startMs = 5.0;
                        p.batches[1].endMs = 6.5;
                    }),
                    Violation::Kind::DeadlineMissed));
        QVERIFY(has(broken([](Plan& p) { p.users[1].energyMj = 3.0; }), Violation::Kind::WrongFigure));
        QVERIFY(has(broken([](Plan& p) { p.users[1].uploadEndMs = 4.2; }), Violation::Kind::WrongFigure));
        QVERIFY(has(broken([](Plan& p) { p.users[0].partition = 2; }), Violation::Kind::BadMember));
        QVERIFY(has(broken([](Plan& p) { p.users[0].partition = 7; }), Violation::Kind::BadPartition));
    }

    void messageNamesUserAndTimes()
    {
        const CostModel model(m_scenario);
        Plan plan = simulate(m_scenario, model, handSchedule(), "hand");
        plan.batches[1].startMs = 5.0;
        plan.batches[1].endMs = 6.5;
        const auto violations = verifyPlan(m_scenario, model, plan);
        QVERIFY(!violations.empty());
        QVERIFY(std::any_of(violations.begin(), violations.end(), [](const Violation& v) {
            return v.message == "user 'b' finishes at 6.5 ms, after its deadline of 6 ms";
        }));
    }

    void planFileRoundTrips()
    {
        const CostModel model(m_scenario);
        const Plan plan = simulate(m_scenario, model, handSchedule(), "hand");
        const std::string text = planToJson(m_scenario, plan);
        Expected<Plan> back = parsePlan(text, "plan.json", m_scenario);
        QVERIFY2(back.has_value(), back ? "" : back.error().message.c_str());
        QVERIFY(verifyPlan(m_scenario, model, *back).empty());
        QCOMPARE(back->batches.size(), plan.batches.size());
        QCOMPARE(back->users[1].finishMs, plan.users[1].finishMs);
        QCOMPARE(back->totalEnergyMj, plan.totalEnergyMj);
        // The file follows docs/formats.md#plan, read here with an independent JSON parser.
        const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
        QCOMPARE(json["format"].toString(), QString("coinfer-plan"));
        QCOMPARE(json["version"].toInt(), 1);
        QCOMPARE(json["users"].toArray()[1].toObject()["upload_end_ms"].toDouble(), 4.5);
        QCOMPARE(json["batches"].toArray()[1].toObject()["users"].toArray()[1].toString(), QString("b"));
        QCOMPARE(json["saving_percent"].toDouble(), 100.0 * (1 - 4.5 / 26.0));
    }

    void verifyChecksEveryStatedField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("local_energy_mj") << "local_energy_mj"
                                         << "local_energy_mj is";
        QTest::newRow("saving_percent") << "saving_percent"
                                        << "saving_percent is";
        QTest::newRow("feasible") << "feasible"
                                  << "feasible is false, but the re-timed plan meets every deadline";
        QTest::newRow("upload_start_ms") << "upload_start_ms"
                                         << "user 'a' states upload_start_ms";
        QTest::newRow("upload_end_ms") << "upload_end_ms"
                                       << "user 'a' states upload_end_ms";
        QTest::newRow("finish_ms later") << "finish_ms"
                                         << "user 'a' states it finishes at";
        QTest::newRow("group") << "group"
                               << "user 'a' has group -1 (no round), but offloads";
    }

    void verifyChecksEveryStatedField()
    {
        QFETCH(QString, field);
        QFETCH(QString, fragment);
        const CostModel model(m_scenario);
        const Plan honest = simulate(m_scenario, model, handSchedule(), "hand");
        QVERIFY(honest.feasible);
        QCOMPARE(honest.users[0].partition < m_scenario.dnn.subtaskCount(), true); // 'a' offloads
        QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(planToJson(m_scenario, honest))).object();
        QJsonArray users = json["users"].toArray();
        QJsonObject first = users[0].toObject();
        if (field == "feasible") {
            json["feasible"] = false;
        } else if (field == "local_energy_mj" || field == "saving_percent") {
            json[field] = json[field].toDouble() + 1.0;
        } else if (field == "group") {
            first["group"] = -1;
        } else {
            first[field] = first[field].toDouble() + 0.5; // later than the real figure, not earlier
        }
        users[0] = first;
        json["users"] = users;
        Expected<Plan> tampered = parsePlan(QJsonDocument(json).toJson().toStdString(), "plan.json", m_scenario);
        QVERIFY2(tampered.has_value(), tampered ? "" : tampered.error().message.c_str());
        const std::vector<Violation> violations = verifyPlan(m_scenario, model, *tampered);
        // A later upload end also moves batches, so more than one violation may follow.
        QVERIFY(field == "upload_end_ms" ? !violations.empty() : violations.size() == 1);
        QVERIFY(std::any_of(violations.begin(), violations.end(),
                            [&](const Violation& v) { return QString::fromStdString(v.message).contains(fragment); }));
    }

    /// Fuzzing found it (docs/reliability.md): after a batch of 1.9e11 ms the timeline's doubles
    /// are 3e-5 ms apart, so a fixed 1e-6 ms slack called the simulator's own batches too short.
    void verifierAcceptsOwnPlansAtLargeTimes()
    {
        Expected<Scenario> scenario = readScenario(COINFER_TEST_DATA "/counterexamples/verify-at-large-times.json");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        const CostModel model(*scenario);
        for (Algorithm algorithm : {Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og}) {
            std::vector<Violation> simulated;
            const Expected<Plan> plan = makePlan(*scenario, model, algorithm, &simulated);
            QVERIFY(plan.has_value());
            for (const Violation& v : verifyPlan(*scenario, model, *plan))
                QVERIFY2(v.kind == Violation::Kind::DeadlineMissed, v.message.c_str());
        }
    }

    /// A user listed twice in one batch of 65,536 members, or in two batches of one sub-task, is
    /// named with the same messages as in a small batch, by simulate() and by verifyPlan() alike
    /// (the duplicate check is a per-user stamp, not a search of the batch).
    void duplicateMembersOfALargeBatchAreNamed()
    {
        RandomScenarioSpec spec;
        spec.users = 70'000;
        spec.subtasks = 2;
        spec.maxBatch = 65'536;
        spec.equalDeadlines = true;
        spec.localAlwaysFeasible = true;
        const Scenario scenario = makeRandomScenario(15, spec);
        const CostModel model(scenario);
        // Every user offloads its input; each sub-task runs as a batch of B_max users and one of the rest.
        Schedule good;
        good.partitions.assign(static_cast<size_t>(spec.users), 0);
        for (int subtask = 1; subtask <= spec.subtasks; ++subtask)
            for (int first = 0; first < spec.users; first += spec.maxBatch) {
                BatchSpec batch{subtask, {}};
                for (int m = first; m < std::min(spec.users, first + spec.maxBatch); ++m)
                    batch.users.push_back(m);
                good.batches.push_back(std::move(batch));
            }
        auto messagesOf = [](const std::vector<Violation>& violations, Violation::Kind kind) {
            std::vector<std::string> messages;
            for (const Violation& v : violations)
                if (v.kind == kind)
                    messages.push_back(v.message);
            return messages;
        };
        std::vector<Violation> unchanged;
        simulate(scenario, model, good, "ip-ssa", &unchanged);
        QVERIFY(messagesOf(unchanged, Violation::Kind::BadMember).empty());
        const auto largest =
            std::max_element(good.batches.begin(), good.batches.end(),
                             [](const BatchSpec& a, const BatchSpec& b) { return a.users.size() < b.users.size(); });
        QCOMPARE(static_cast<int>(largest->users.size()), spec.maxBatch);
        const size_t index = static_cast<size_t>(largest - good.batches.begin());
        const std::string batchName = "batch " + std::to_string(index) + " (sub-task " + std::to_string(largest->subtask) + ")";

        // The first member again, in the middle and at the end of the batch (its size unchanged).
        for (const size_t at : {largest->users.size() / 2, largest->users.size() - 1}) {
            Schedule schedule = good;
            std::vector<int>& members = schedule.batches[index].users;
            const int twice = members.front();
            const int dropped = members[at];
            members[at] = twice;
            std::vector<Violation> simulated;
            const Plan plan = simulate(scenario, model, schedule, "ip-ssa", &simulated);
            // The user it replaced then turns up in sub-task 2's first batch (batch 2) too early.
            const std::vector<std::string> expected{
                batchName + " lists user '" + scenario.users[static_cast<size_t>(twice)].id + "' twice",
                "batch 2 (sub-task 2) holds user '" + scenario.users[static_cast<size_t>(dropped)].id +
                    "', whose next sub-task at the edge is 1"};
            QCOMPARE(messagesOf(simulated, Violation::Kind::BadMember), expected);
            QCOMPARE(messagesOf(verifyPlan(scenario, model, plan), Violation::Kind::BadMember), expected);
            QVERIFY(messagesOf(simulated, Violation::Kind::BatchTooLarge).empty());
        }

        // A member of the largest batch listed again in another batch of the same sub-task.
        const auto other = std::find_if(good.batches.begin(), good.batches.end(),
                                        [&](const BatchSpec& b) { return &b != &*largest && b.subtask == largest->subtask; });
        QVERIFY(other != good.batches.end());
        {
            Schedule schedule = good;
            const size_t otherIndex = static_cast<size_t>(other - good.batches.begin());
            const size_t later = std::max(index, otherIndex);
            const int user = schedule.batches[std::min(index, otherIndex)].users.back();
            schedule.batches[later].users.push_back(user);
            std::vector<Violation> simulated;
            simulate(scenario, model, schedule, "ip-ssa", &simulated);
            const int subtask = largest->subtask;
            const std::string whose = subtask < spec.subtasks
                                          ? ", whose next sub-task at the edge is " + std::to_string(subtask + 1)
                                          : std::string(", who needs no further sub-task at the edge");
            const std::vector<std::string> expected{"batch " + std::to_string(later) + " (sub-task " + std::to_string(subtask) +
                                                    ") holds user '" + scenario.users[static_cast<size_t>(user)].id + "'" +
                                                    whose};
            QCOMPARE(messagesOf(simulated, Violation::Kind::BadMember), expected);
        }
    }

    void planReaderRefusesAWrongType()
    {
        const CostModel model(m_scenario);
        QJsonObject json =
            QJsonDocument::fromJson(
                QByteArray::fromStdString(planToJson(m_scenario, simulate(m_scenario, model, handSchedule(), "hand"))))
                .object();
        json["feasible"] = "yes";
        Expected<Plan> plan = parsePlan(QJsonDocument(json).toJson().toStdString(), "plan.json", m_scenario);
        QVERIFY(!plan.has_value());
        QCOMPARE(plan.error().message, std::string("plan.json: feasible: must be true or false, not a string"));
    }

    void badPlanFilesNameTheField()
    {
        const char* const cases[][2] = {
            {R"({"format": "coinfer-plan", "version": 1, "total_energy_mj": 1, "users": [], "batches": []})",
             "users: has no entry for user \"a\""},
            {R"({"format": "coinfer-scenario", "version": 1})", "format: must be \"coinfer-plan\""},
            {R"({"format": "coinfer-plan", "version": 1, "total_energy_mj": 1, "users": [
                {"id": "zed", "partition": 0, "energy_mj": 1, "upload_end_ms": 1, "finish_ms": 2, "deadline_ms": 3}], "batches": []})",
             "users[0].id: \"zed\" is not a user of the scenario"},
        };
        for (const auto& entry : cases) {
            Expected<Plan> plan = parsePlan(entry[0], "bad-plan.json", m_scenario);
            QVERIFY(!plan.has_value());
            QVERIFY2(plan.error().message.find(entry[1]) != std::string::npos, plan.error().message.c_str());
            QVERIFY(plan.error().message.rfind("bad-plan.json: ", 0) == 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestSimulator)
#include "test_simulator.moc"
