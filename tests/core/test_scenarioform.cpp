// The scenario's own form: every example and good file saves back to its very bytes, and each
// edit the app makes is written in the file's form, reads back as the edited scenario, and
// undoes to the bytes it started from. The reader is the reference: after every step the text is
// parsed again and compared, field by field, with the scenario edited directly.
#include "core/io/fileio.h"
#include "core/io/scenarioform.h"
#include "core/io/scenarioio.h"
#include "core/util/random.h"

#include <QtTest>

#include <filesystem>

using namespace coinfer;

namespace {

struct Opened {
    ScenarioForm form;
    Scenario scenario;
    std::string text;
};

Opened open(const std::string& path)
{
    Opened opened;
    Expected<std::string> text = readTextFile(path);
    if (!text)
        qFatal("%s", text.error().message.c_str());
    opened.text = *text;
    Expected<ScenarioForm> form = ScenarioForm::parse(*text, path, opened.scenario);
    if (!form)
        qFatal("%s", form.error().message.c_str());
    opened.form = std::move(*form);
    return opened;
}

/// Parses the form's text as if saved at @p path and says how it differs from @p expected.
QString differenceAfterSaving(const ScenarioForm& form, const Scenario& expected, const std::string& path)
{
    Expected<Scenario> reread = parseScenario(form.text(std::filesystem::path(path).parent_path().string()), path);
    if (!reread)
        return QString::fromStdString("the saved text is refused: " + reread.error().message);
    if (reread->userCount() != expected.userCount())
        return QString("%1 users read back, %2 expected").arg(reread->userCount()).arg(expected.userCount());
    for (int m = 0; m < expected.userCount(); ++m)
        if (!(reread->users[static_cast<size_t>(m)] == expected.users[static_cast<size_t>(m)]))
            return QString::fromStdString("user " + std::to_string(m) + " (" + expected.users[static_cast<size_t>(m)].id +
                                          ") reads back as " + reread->users[static_cast<size_t>(m)].id + " with other values");
    if (!(reread->dnn == expected.dnn))
        return "the DNN reads back differently";
    if (!(*reread == expected))
        return "the scenario reads back differently";
    return {};
}

std::vector<std::string> scenarioFiles()
{
    std::vector<std::string> files;
    for (const char* folder : {COINFER_EXAMPLES, COINFER_TEST_DATA "/good", COINFER_TEST_DATA "/counterexamples"})
        for (const auto& entry : std::filesystem::directory_iterator(folder)) {
            const std::string path = entry.path().string();
            Expected<std::string> text = readTextFile(path);
            if (entry.path().extension() != ".json" || !text || text->find("\"coinfer-scenario\"") == std::string::npos)
                continue;
#ifndef COINFER_ONNX
            if (text->find(".onnx\"") != std::string::npos)
                continue; // needs the ONNX importer, which this build lacks
#endif
            files.push_back(path);
        }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

class TestScenarioForm : public QObject {
    Q_OBJECT

private slots:
    void unchangedSavesTheVeryBytes_data()
    {
        QTest::addColumn<QString>("path");
        for (const std::string& path : scenarioFiles())
            QTest::newRow(std::filesystem::path(path).filename().c_str()) << QString::fromStdString(path);
        QVERIFY(scenarioFiles().size() >= 10);
    }

    void unchangedSavesTheVeryBytes()
    {
        QFETCH(QString, path);
        const Opened opened = open(path.toStdString());
        QVERIFY(opened.form.isUnchanged());
        QVERIFY(opened.form.text() == opened.text);
        QVERIFY(opened.form.text(std::filesystem::path(path.toStdString()).parent_path().string()) == opened.text);
        const QString difference = differenceAfterSaving(opened.form, opened.scenario, path.toStdString());
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void campusKeepsItsPopulationWhenOneGeneratedUserIsEdited()
    {
        const std::string path = COINFER_EXAMPLES "/campus.json";
        Opened opened = open(path);
        Scenario expected = opened.scenario;
        User user = expected.users[16];
        QCOMPARE(user.id, std::string("phone-17"));
        user.deadlineMs = 150;
        expected.users[16] = user;
        const FormChange change = opened.form.editUser(opened.scenario, 16, user);
        opened.form.apply(change);
        QVERIFY(!opened.form.isUnchanged());
        QVERIFY2(change.note().find("phone-17 is now written out") != std::string::npos, change.note().c_str());
        const std::string text = opened.form.text();
        QVERIFY(text.find("\"population\"") != std::string::npos);
        QVERIFY(text.find("\"description\"") != std::string::npos);
        QVERIFY(text.find("\"edge_affine_ms\"") != std::string::npos);
        QVERIFY(text.size() < opened.text.size() + 400); // one entry more, not 200
        const QString difference = differenceAfterSaving(opened.form, expected, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        opened.form.revert(change);
        QVERIFY(opened.form.isUnchanged());
        QVERIFY(opened.form.text() == opened.text);
    }

    void renamingAGeneratedUserWritesThePopulationOut()
    {
        const std::string path = COINFER_EXAMPLES "/campus.json";
        Opened opened = open(path);
        Scenario expected = opened.scenario;
        expected.users[3].id = "alice";
        const FormChange change = opened.form.editUser(opened.scenario, 3, expected.users[3]);
        QVERIFY2(change.note().find("200 users are now written out") != std::string::npos, change.note().c_str());
        opened.form.apply(change);
        QVERIFY(opened.form.text().find("\"population\"") == std::string::npos);
        QVERIFY(opened.form.text().find("\"pixel1-saver\"") != std::string::npos); // by device class, not tables
        const QString difference = differenceAfterSaving(opened.form, expected, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void anEntryByDistanceKeepsItsDistanceUnlessThePowerChangesItsRate()
    {
        const std::string path = COINFER_EXAMPLES "/classroom.json";
        Opened opened = open(path);
        const int row = 0;
        QVERIFY(opened.text.find("\"distance_m\"") != std::string::npos);
        Scenario expected = opened.scenario;
        expected.users[row].deadlineMs *= 2;
        FormChange change = opened.form.editUser(opened.scenario, row, expected.users[row]);
        QVERIFY(change.note().empty());
        opened.form.apply(change);
        QVERIFY(opened.form.text().find("\"distance_m\"") != std::string::npos);
        QVERIFY(differenceAfterSaving(opened.form, expected, path).isEmpty());

        Scenario powered = expected;
        powered.users[row].txPowerW *= 2; // the table keeps the rate; a distance would not
        change = opened.form.editUser(expected, row, powered.users[row]);
        QVERIFY2(change.note().find("uplink rate is now stated") != std::string::npos, change.note().c_str());
        opened.form.apply(change);
        const QString difference = differenceAfterSaving(opened.form, powered, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void addedUsersLandBeforeTheGeneratedOnes()
    {
        const std::string path = COINFER_EXAMPLES "/campus.json";
        Opened opened = open(path);
        User user = opened.scenario.users.back();
        user.id = "guest";
        const FormChange change = opened.form.insertUser(opened.scenario, opened.scenario.userCount(), user);
        QCOMPARE(change.row(), 0); // campus has no explicit users
        Scenario expected = opened.scenario;
        expected.users.insert(expected.users.begin() + change.row(), user);
        opened.form.apply(change);
        QVERIFY(opened.form.text().find("\"population\"") != std::string::npos);
        const QString difference = differenceAfterSaving(opened.form, expected, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void aNewEdgeCurveReplacesOnlyItsSubtasksModel()
    {
        const std::string path = COINFER_EXAMPLES "/campus.json";
        Opened opened = open(path);
        Scenario after = opened.scenario;
        for (double& ms : after.dnn.subtasks[1].edgeLatencyMs)
            ms += 1;
        const FormChange change = opened.form.replaceScenario(opened.scenario, after);
        opened.form.apply(change);
        const std::string text = opened.form.text();
        QCOMPARE(
            static_cast<int>(std::count(text.begin(), text.end(), '{') - std::count(opened.text.begin(), opened.text.end(), '{')),
            -1);
        QVERIFY(text.find("\"edge_latency_ms\"") != std::string::npos);
        QVERIFY(text.find("\"population\"") != std::string::npos);
        const QString difference = differenceAfterSaving(opened.form, after, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void aMeasuredDnnWithAnEditedCurveIsWrittenAsTablesAndSaysSo()
    {
        const std::string path = COINFER_EXAMPLES "/edge-h200.json";
        Opened opened = open(path);
        Scenario after = opened.scenario;
        after.dnn.subtasks[0].edgeLatencyMs.assign(after.dnn.subtasks[0].edgeLatencyMs.size(), 2.0);
        const FormChange change = opened.form.replaceScenario(opened.scenario, after);
        QVERIFY2(change.note().find("DNN is now written out as tables") != std::string::npos, change.note().c_str());
        opened.form.apply(change);
        const std::string text = opened.form.text();
        QVERIFY(text.find("\"builtin\"") == std::string::npos);
        QVERIFY(text.find("\"population\"") != std::string::npos); // the users keep their form
        const QString difference = differenceAfterSaving(opened.form, after, path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        opened.form.revert(change);
        QVERIFY(opened.form.text() == opened.text);
    }

    void aReferencedProfileIsFoundFromWhereverTheFileIsSaved()
    {
        const std::string path = COINFER_EXAMPLES "/edge-h200.json";
        Opened opened = open(path);
        QTemporaryDir elsewhere;
        QVERIFY(elsewhere.isValid());
        const std::string savedPath = elsewhere.path().toStdString() + "/deeper/edge.json";
        std::filesystem::create_directories(elsewhere.path().toStdString() + "/deeper");
        const std::string text = opened.form.text(elsewhere.path().toStdString() + "/deeper");
        QVERIFY(text != opened.text);
        QVERIFY(text.find("\"builtin\": \"mobilenetv2\"") != std::string::npos);
        Expected<Scenario> reread = parseScenario(text, savedPath);
        QVERIFY2(reread.has_value(), reread ? "" : reread.error().message.c_str());
        QVERIFY(*reread == opened.scenario);
    }

    void aReferencedTraceIsFoundFromWhereverTheFileIsSaved()
    {
        // The online example replaying recorded arrivals from a CSV beside it, saved two folders away.
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const std::string dir = folder.path().toStdString();
        std::filesystem::create_directories(dir + "/logs");
        std::filesystem::create_directories(dir + "/elsewhere/deeper");
        Opened online = open(COINFER_EXAMPLES "/online.json");
        const std::string firstUser = online.scenario.users.front().id;
        QVERIFY(writeFileAtomically(dir + "/logs/arrivals.csv", "user,release_ms,deadline_ms\n" + firstUser + ",10,100\n")
                    .has_value());
        std::string withTrace = online.text;
        const size_t block = withTrace.find("\"online\": {");
        QVERIFY(block != std::string::npos);
        withTrace.insert(block + std::string("\"online\": {").size(), "\"trace\": \"logs/arrivals.csv\", ");
        const std::string path = dir + "/scenario.json";
        QVERIFY(writeFileAtomically(path, withTrace).has_value());
        Opened opened = open(path);
        QCOMPARE(opened.scenario.online.trace.size(), size_t(1));
        const std::string text = opened.form.text(dir + "/elsewhere/deeper");
        QVERIFY(text.find("\"trace\": \"../../logs/arrivals.csv\"") != std::string::npos);
        Expected<Scenario> reread = parseScenario(text, dir + "/elsewhere/deeper/scenario.json");
        QVERIFY2(reread.has_value(), reread ? "" : reread.error().message.c_str());
        QCOMPARE(reread->online.trace.size(), size_t(1));
    }

    /// Seeded random sequences of the app's edits on every file: after each step the text reads
    /// back as the directly edited scenario; undoing every step gives back the very bytes.
    void randomEditsReadBackAndUndoToTheBytes_data() { unchangedSavesTheVeryBytes_data(); }

    void randomEditsReadBackAndUndoToTheBytes()
    {
        QFETCH(QString, path);
        Opened opened = open(path.toStdString());
        SeededRandom random(0xC0FFEE ^ std::hash<std::string>{}(std::filesystem::path(path.toStdString()).filename().string()));
        std::vector<FormChange> applied;
        Scenario scenario = opened.scenario;
        int added = 0;
        for (int step = 0; step < 12; ++step) {
            const int kind = static_cast<int>(random.uniform() * 5);
            const int row = scenario.userCount() == 0 ? 0 : static_cast<int>(random.uniform() * scenario.userCount());
            FormChange change;
            if (kind == 0 && scenario.userCount() > 0) {
                User user = scenario.users[static_cast<size_t>(row)];
                user.deadlineMs = 10 + std::floor(random.uniform() * 500);
                change = opened.form.editUser(scenario, row, user);
                scenario.users[static_cast<size_t>(row)] = user;
            } else if (kind == 1 && scenario.userCount() > 0) {
                User user = scenario.users[static_cast<size_t>(row)];
                user.txPowerW *= 1.5;
                user.uplinkRateMbps *= 0.5;
                change = opened.form.editUser(scenario, row, user);
                scenario.users[static_cast<size_t>(row)] = user;
            } else if (kind == 2 && scenario.userCount() > 0) {
                User user = scenario.users[static_cast<size_t>(row)];
                user.id = "renamed-" + std::to_string(step);
                change = opened.form.editUser(scenario, row, user);
                scenario.users[static_cast<size_t>(row)] = user;
            } else if (kind == 3 && scenario.userCount() > 0) {
                User user = scenario.users[static_cast<size_t>(row)];
                user.id = "added-" + std::to_string(++added);
                change = opened.form.insertUser(scenario, row, user);
                scenario.users.insert(scenario.users.begin() + change.row(), user);
            } else if (scenario.userCount() > 1) {
                change = opened.form.removeUser(scenario, row);
                scenario.users.erase(scenario.users.begin() + row);
            } else {
                continue;
            }
            opened.form.apply(change);
            applied.push_back(change);
            const QString difference = differenceAfterSaving(opened.form, scenario, path.toStdString());
            QVERIFY2(difference.isEmpty(),
                     qPrintable(QString("step %1 (kind %2, row %3): %4").arg(step).arg(kind).arg(row).arg(difference)));
        }
        for (auto change = applied.rbegin(); change != applied.rend(); ++change)
            opened.form.revert(*change);
        QVERIFY(opened.form.isUnchanged());
        QVERIFY(opened.form.text() == opened.text);
    }

    void aTableFormScenarioSavesAsTheTableForm()
    {
        const Opened opened = open(COINFER_TEST_DATA "/good/three-users.json");
        const ScenarioForm table = ScenarioForm::tableForm(opened.scenario);
        QVERIFY(table.text() == scenarioToJson(opened.scenario));
    }

    void anExplicitEntryWithAGeneratedIdReplacesThatUser()
    {
        std::string text = *readTextFile(COINFER_EXAMPLES "/campus.json");
        Scenario generated;
        QVERIFY(ScenarioForm::parse(text, "campus.json", generated).has_value());
        const std::string entry =
            "\"users\": [{\"id\": \"phone-5\", \"device_class\": \"pixel1\", \"deadline_ms\": 77, \"uplink_rate_mbps\": 3}],";
        text.insert(text.find("\"population\""), entry);
        Expected<Scenario> overridden = parseScenario(text, "campus.json");
        QVERIFY2(overridden.has_value(), overridden ? "" : overridden.error().message.c_str());
        QCOMPARE(overridden->userCount(), 200);
        QCOMPARE(overridden->users[4].id, std::string("phone-5"));
        QCOMPARE(overridden->users[4].deadlineMs, 77.0);
        for (int m = 0; m < 200; ++m)
            if (m != 4)
                QVERIFY(overridden->users[static_cast<size_t>(m)] == generated.users[static_cast<size_t>(m)]);
        // Two entries for the same generated user are still a duplicate id.
        const std::string twice =
            "{\"id\": \"phone-5\", \"device_class\": \"pixel1\", \"deadline_ms\": 78, \"uplink_rate_mbps\": 3}, ";
        text.insert(text.find("{\"id\": \"phone-5\""), twice);
        Expected<Scenario> duplicate = parseScenario(text, "campus.json");
        QVERIFY(!duplicate.has_value());
        QVERIFY2(duplicate.error().message.find("\"phone-5\" is already the id") != std::string::npos,
                 duplicate.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestScenarioForm)
#include "test_scenarioform.moc"
