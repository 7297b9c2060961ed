// Scenario files: the table and affine forms, the richer forms, and every bad file refused
// with the field's path.
#include "core/model/costmodel.h"
#include "core/io/fileio.h"
#include "core/model/population.h"
#include "core/io/scenarioio.h"

#include "tests/common/testdata.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace coinfer;

namespace {

QString dataPath(const QString& name)
{
    return QStringLiteral(COINFER_TEST_DATA "/") + name;
}

std::string read(const QString& path)
{
    Expected<std::string> text = readTextFile(path.toStdString());
    return text ? *text : std::string();
}

} // namespace

class TestScenarioIo : public QObject {
    Q_OBJECT

private slots:
    void readsTheTableForm()
    {
        Expected<Scenario> scenario = readScenario(dataPath("good/three-users.json").toStdString());
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        QCOMPARE(scenario->userCount(), 3);
        QCOMPARE(scenario->dnn.subtaskCount(), 3);
        QCOMPARE(scenario->dnn.maxBatch(), 4);
        QCOMPARE(scenario->dnn.subtasks[0].edgeLatencyMs[2], 1.31);
        QCOMPARE(scenario->users[2].id, std::string("u3"));
        QCOMPARE(scenario->users[1].localLatencyMs[1], 30.0);
    }

    void expandsTheAffineAndConstantForms()
    {
        const std::string text = R"({"format": "coinfer-scenario", "version": 1,
          "dnn": {"input_bytes": 1000, "max_batch": 3, "subtasks": [
            {"output_bytes": 10, "flops": 1e6, "edge_affine_ms": {"alpha": 1.5, "beta": 0.25}},
            {"output_bytes": 5, "flops": 1e6, "edge_constant_ms": 2}]},
          "users": [{"id": "a", "deadline_ms": 50, "local_latency_ms": [1, 2], "local_energy_mj": [3, 4],
                     "uplink_rate_mbps": 8, "tx_power_w": 0.5}]})";
        Expected<Scenario> scenario = parseScenario(text, "inline");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        const std::vector<double> affine{1.75, 2.0, 2.25};
        QCOMPARE(scenario->dnn.subtasks[0].edgeLatencyMs, affine);
        const std::vector<double> constant{2.0, 2.0, 2.0};
        QCOMPARE(scenario->dnn.subtasks[1].edgeLatencyMs, constant);
    }

    void derivesLocalCostsAndRatesFromModels()
    {
        const std::string text = R"({"format": "coinfer-scenario", "version": 1,
          "dnn": {"input_bytes": 1000, "max_batch": 2, "subtasks": [
            {"output_bytes": 10, "flops": 2e8, "edge_constant_ms": 1}]},
          "device_classes": [{"name": "phone", "cpu": {"frequency_ghz": 2.0, "cycles_per_flop": 0.5, "kappa": 1e-28},
                              "tx_power_w": 0.2}],
          "channel": {"bandwidth_mhz": 1.0, "noise_dbm_per_hz": -174},
          "users": [{"id": "a", "deadline_ms": 500, "device_class": "phone", "distance_m": 100},
                    {"id": "b", "deadline_ms": 500, "cpu": {"frequency_ghz": 1.0, "cycles_per_flop": 1, "kappa": 2e-28},
                     "tx_power_w": 0.1, "channel_gain": 1e-9}]})";
        Expected<Scenario> scenario = parseScenario(text, "inline");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        const User& a = scenario->users[0];
        // 2e8 FLOPs * 0.5 cycles/FLOP = 1e8 cycles at 2 GHz: 50 ms; 1e-28 * (2e9)^2 * 1e8 J = 40 mJ.
        QVERIFY(std::fabs(a.localLatencyMs[0] - 50.0) < 1e-9);
        QVERIFY(std::fabs(a.localEnergyMj[0] - 40.0) < 1e-9);
        QCOMPARE(a.txPowerW, 0.2);
        // 100 m: path loss 128.1 - 37.6 = 90.5 dB; SNR = 0.2 W * 10^-9.05 / (10^-20.4 W/Hz * 1e6 Hz).
        const double snr = 0.2 * std::pow(10.0, -9.05) / (std::pow(10.0, -20.4) * 1e6);
        QVERIFY(std::fabs(a.uplinkRateMbps - std::log2(1 + snr)) < 1e-9);
        const User& b = scenario->users[1];
        QVERIFY(std::fabs(b.localLatencyMs[0] - 200.0) < 1e-9);
        QVERIFY(std::fabs(b.localEnergyMj[0] - 2e-28 * 1e18 * 2e8 * 1e3) < 1e-9);
        const double snrB = 0.1 * 1e-9 / (std::pow(10.0, -20.4) * 1e6);
        QVERIFY(std::fabs(b.uplinkRateMbps - std::log2(1 + snrB)) < 1e-9);
    }

    void populationIsSeededAndReproducible()
    {
        const std::string campus = read(QStringLiteral(COINFER_EXAMPLES "/campus.json"));
        Expected<Scenario> first = parseScenario(campus, "campus.json");
        Expected<Scenario> second = parseScenario(campus, "campus.json");
        QVERIFY2(first.has_value(), first ? "" : first.error().message.c_str());
        QCOMPARE(first->userCount(), 200);
        int saver = 0;
        for (int m = 0; m < 200; ++m) {
            const User& a = first->users[static_cast<size_t>(m)];
            const User& b = second->users[static_cast<size_t>(m)];
            QCOMPARE(a.id, b.id);
            QCOMPARE(a.deadlineMs, b.deadlineMs);
            QCOMPARE(a.uplinkRateMbps, b.uplinkRateMbps);
            QVERIFY(a.deadlineMs == 100 || a.deadlineMs == 200 || a.deadlineMs == 400);
            saver += a.deviceClass == "pixel1-saver";
        }
        QVERIFY(saver > 40 && saver < 120); // weight 0.4 of 200
        // A different seed gives a different population.
        std::string reseeded = campus;
        reseeded.replace(reseeded.find("2026"), 4, "2027");
        Expected<Scenario> other = parseScenario(reseeded, "campus.json");
        QVERIFY(other.has_value());
        QVERIFY(other->users[0].uplinkRateMbps != first->users[0].uplinkRateMbps ||
                other->users[1].uplinkRateMbps != first->users[1].uplinkRateMbps);
    }

    void tableFormRoundTrips()
    {
        Expected<Scenario> campus = readScenario(COINFER_EXAMPLES "/campus.json");
        QVERIFY(campus.has_value());
        Expected<Scenario> again = parseScenario(scenarioToJson(*campus), "expanded");
        QVERIFY2(again.has_value(), again ? "" : again.error().message.c_str());
        QCOMPARE(again->userCount(), campus->userCount());
        for (size_t m = 0; m < campus->users.size(); ++m) {
            QCOMPARE(again->users[m].localEnergyMj, campus->users[m].localEnergyMj);
            QCOMPARE(again->users[m].uplinkRateMbps, campus->users[m].uplinkRateMbps);
        }
        QCOMPARE(again->dnn.subtasks[3].edgeLatencyMs, campus->dnn.subtasks[3].edgeLatencyMs);
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        const auto rows = testing::badFileManifest(dataPath("bad/expected.tsv"));
        for (const auto& [file, fragment] : rows)
            QTest::newRow(qPrintable(file)) << file << fragment;
        QVERIFY(rows.size() >= 20);
    }

    void refusesBadFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        Expected<Scenario> scenario = readScenario(dataPath("bad/" + file).toStdString());
        QVERIFY2(!scenario.has_value(), "a bad file was accepted");
        QCOMPARE(int(scenario.error().code), int(ErrorCode::BadInput));
        const QString message = QString::fromStdString(scenario.error().message);
        QVERIFY2(message.contains(file), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
    }

    void everyBadFileIsListed()
    {
        const QStringList files = QDir(dataPath("bad")).entryList({"*.json"}, QDir::Files);
        const QString manifest = QString::fromStdString(read(dataPath("bad/expected.tsv")));
        for (const QString& file : files)
            QVERIFY2(manifest.contains(file + '\t'), qPrintable(file + " has no expected message"));
    }

    void warnsAboutUnknownFieldsByPath()
    {
        QFile file(dataPath("good/three-users.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QJsonArray users = json["users"].toArray();
        QJsonObject second = users[1].toObject();
        second["arrival_rate_per_sec"] = 2; // a typo of arrival_rate_per_s
        users[1] = second;
        json["users"] = users;
        json["colour"] = "blue";
        std::vector<std::string> warnings;
        Expected<Scenario> scenario = parseScenario(QJsonDocument(json).toJson().toStdString(), "typo.json", {}, &warnings);
        QVERIFY(scenario.has_value());
        const std::vector<std::string> expected{"typo.json: colour: unknown field, ignored",
                                                "typo.json: users[1].arrival_rate_per_sec: unknown field, ignored"};
        QCOMPARE(warnings, expected);
    }

    void aDeeplyNestedDescriptionIsWalkedWithoutRecursion()
    {
        // tests/data/hostile/scenario/deeply-nested-description.json: the walk that looks for
        // unknown fields recursed into the ignored "description", so 50,000 nested arrays
        // overflowed the stack (a segmentation fault), and 30,000 took 1.7 GB for the paths.
        QFile file(dataPath("good/three-users.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        std::string text = file.readAll().toStdString();
        const size_t depth = 200'000;
        const std::string nested = std::string(depth, '[') + "{\"deep\": 1}" + std::string(depth, ']');
        text.insert(text.rfind('}'), ", \"description\": " + nested + ", \"colour\": \"blue\"");
        std::vector<std::string> warnings;
        const Expected<Scenario> scenario = parseScenario(text, "deep.json", {}, &warnings);
        QVERIFY2(scenario.has_value(), scenario.has_value() ? "" : scenario.error().message.c_str());
        // The members of an object inside the ignored value are still reported, by their whole path.
        QCOMPARE(warnings.size(), size_t(2));
        QCOMPARE(warnings[0], std::string("deep.json: colour: unknown field, ignored"));
        std::string deepPath = "description";
        for (size_t i = 0; i < depth; ++i)
            deepPath += "[0]";
        QCOMPARE(warnings[1], "deep.json: " + deepPath + ".deep: unknown field, ignored");
    }

    void examplesHaveNoUnknownFields()
    {
        for (const QString& name : QDir(COINFER_EXAMPLES).entryList({"*.json"})) {
            std::vector<std::string> warnings;
            QVERIFY(readScenario((QStringLiteral(COINFER_EXAMPLES "/") + name).toStdString(), {}, &warnings).has_value());
            QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().c_str());
        }
    }

    /// Fuzzing found it (docs/reliability.md): the sub-task and latency-table limits held only
    /// for the table form, not for a DNN given as a built-in or a description with a profile.
    void describedDnnIsHeldToTheReadersLimits()
    {
        const std::string profile = COINFER_PROFILES "/mobilenetv2-h200.json";
        const std::string text = "{\"format\": \"coinfer-scenario\", \"version\": 1, \"users\": [],"
                                 " \"dnn\": {\"builtin\": \"mobilenetv2\", \"max_batch\": 2, \"gpu_profile\": \"" +
                                 profile + "\"}}";
        ScenarioLimits fewSubtasks;
        fewSubtasks.maxSubtasks = 16;
        Expected<Scenario> refused = parseScenario(text, "builtin.json", fewSubtasks);
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().message.find("dnn.builtin: has 20 sub-tasks; this reader accepts at most 16") !=
                     std::string::npos,
                 refused.error().message.c_str());
        ScenarioLimits fewCells;
        fewCells.maxCurveCells = 39;
        refused = parseScenario(text, "builtin.json", fewCells);
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().message.find("dnn.gpu_profile: needs 2 batch sizes x 20 sub-tasks = 40 latency values") !=
                     std::string::npos,
                 refused.error().message.c_str());
    }

    /// Found with the hostile files: without dnn.max_batch, the first table sets B_max, and the
    /// latency-table limit was not applied.
    void tablesWithoutMaxBatchAreHeldToTheCurveLimit()
    {
        std::string tables = "[";
        for (int n = 0; n < 3; ++n)
            tables += std::string(n ? "," : "") + "{\"output_bytes\": 1, \"flops\": 1, \"edge_latency_ms\": [1, 1, 1, 1, 1]}";
        const std::string text =
            "{\"format\": \"coinfer-scenario\", \"version\": 1, \"users\": [], \"dnn\": {\"input_bytes\": 1, \"subtasks\": " +
            tables + "]}}";
        ScenarioLimits fewCells;
        fewCells.maxCurveCells = 14;
        Expected<Scenario> refused = parseScenario(text, "tables.json", fewCells);
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().message.find(
                     "dnn.subtasks[0].edge_latency_ms: sets 5 batch sizes x 3 sub-tasks = 15 latency values") !=
                     std::string::npos,
                 refused.error().message.c_str());
    }

    void missingFileIsAnIoError()
    {
        Expected<Scenario> scenario = readScenario("/nonexistent/scenario.json");
        QVERIFY(!scenario.has_value());
        QCOMPARE(int(scenario.error().code), int(ErrorCode::Io));
        QVERIFY(scenario.error().message.find("/nonexistent/scenario.json") != std::string::npos);
    }

    void atomicWriteReplacesWholeFiles()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/plan.json").toStdString();
        QVERIFY(writeFileAtomically(path, "first").has_value());
        QVERIFY(writeFileAtomically(path, "second").has_value());
        QCOMPARE(*readTextFile(path), std::string("second"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temporary left
        QVERIFY(!writeFileAtomically("/nonexistent/dir/plan.json", "x").has_value());
    }
};

QTEST_APPLESS_MAIN(TestScenarioIo)
#include "test_scenarioio.moc"
