// Inputs are sacred: no command writes over a file it reads, directly or through the
// files a scenario refers to (description, GPU profile, trace, policy), whatever the spelling,
// symlink or hard link; and SIGTERM, what Slurm sends at a time limit, stops a sweep or a search
// as Ctrl-C does, keeping what is finished. Runs the real executable in a scratch folder.
#include "cliprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <unistd.h>

namespace {

using Run = coinfer::testing::ProcessRun;
using coinfer::testing::readAll;
using coinfer::testing::report;

Run run(const QStringList& args, const QString& workingDir)
{
    return coinfer::testing::runCoinfer(args, workingDir);
}

void writeAll(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(file.write(content) == content.size());
}

/// @p json with "trace": @p trace first in its "online" block, inserted as text: the example's
/// layout is known, and the test should not depend on the JSON library it checks.
QByteArray withOnlineTrace(QByteArray json, const QByteArray& trace)
{
    const QByteArray block = "\"online\": {";
    const qsizetype online = json.indexOf(block);
    return online < 0 ? QByteArray() : json.insert(online + block.size(), "\n    \"trace\": \"" + trace + "\",");
}

} // namespace

class TestCliInputs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void outputOntoInputIsRefused_data();
    void outputOntoInputIsRefused();
    void otherOutputsStillWork();
    void sigtermWritesFinishedSweepRows();
    void sigtermStopsSearchLikeCtrlC();
    void sigtermKeepsTheBestPolicy();

private:
    QTemporaryDir m_dir;
};

void TestCliInputs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QDir dir(m_dir.path());
    // described.json: a DNN description and a GPU profile, both files beside it.
    const Run description = run({"dnn", "show", "mobilenetv2", "--format", "json"}, m_dir.path());
    QVERIFY2(description.status == 0, qPrintable(report(description)));
    writeAll(dir.filePath("desc.json"), description.out.toUtf8());
    QVERIFY(QFile::copy(COINFER_RESOURCES "/profiles/mobilenetv2-h200.json", dir.filePath("profile.json")));
    QByteArray edge = readAll(COINFER_EXAMPLES "/edge-h200.json");
    edge.replace("\"builtin\": \"mobilenetv2\"", "\"description\": \"desc.json\"");
    edge.replace("\"../resources/profiles/mobilenetv2-h200.json\"", "\"profile.json\"");
    writeAll(dir.filePath("described.json"), edge);
    // online.json plus traced.json, whose online block names trace.csv.
    const QByteArray online = readAll(COINFER_EXAMPLES "/online.json");
    writeAll(dir.filePath("online.json"), online);
    writeAll(dir.filePath("trace.csv"), "user,release_ms,deadline_ms\nana,5,100\nben,12,300\n");
    writeAll(dir.filePath("traced.json"), withOnlineTrace(online, "trace.csv"));
    QVERIFY(dir.mkdir("sub"));
    QVERIFY(QFile::link(dir.filePath("desc.json"), dir.filePath("desc-link.json")));
    QVERIFY(::link(qPrintable(dir.filePath("profile.json")), qPrintable(dir.filePath("profile-hard.json"))) == 0);
    for (const QString scenario : {"described.json", "traced.json"}) {
        const Run check = run({"expand", scenario}, m_dir.path());
        QVERIFY2(check.status == 0, qPrintable(scenario + ": " + report(check)));
    }
    const Run rows =
        run({"sweep", "described.json", "--vary", "users=2", "--algorithms", "local", "--output", "rows.csv"}, m_dir.path());
    QVERIFY2(rows.status == 0, qPrintable(report(rows)));
    const Run train = run({"train", "online.json", "--episodes", "1", "--output", "policy.json"}, m_dir.path());
    QVERIFY2(train.status == 0, qPrintable(report(train)));
}

void TestCliInputs::outputOntoInputIsRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("target");   // the file that must stay as it was
    QTest::addColumn<QString>("fragment"); // what the message says about both roles
    const QString input = "is the input file";
    QTest::newRow("simulate --record the scenario")
        << QStringList{"simulate", "online.json", "--episodes", "1", "--record", "online.json"} << "online.json" << input;
    QTest::newRow("simulate --record another spelling of the scenario")
        << QStringList{"simulate", "online.json", "--episodes", "1", "--record", "sub/../online.json"} << "online.json" << input;
    QTest::newRow("simulate --record the --trace CSV")
        << QStringList{"simulate", "online.json", "--trace", "trace.csv", "--record", "trace.csv"} << "trace.csv" << input;
    QTest::newRow("simulate --record the ddpg policy")
        << QStringList{"simulate", "online.json", "--episodes", "1", "--policy", "ddpg:policy.json", "--record", "policy.json"}
        << "policy.json" << input;
    QTest::newRow("simulate --record the scenario's trace")
        << QStringList{"simulate", "traced.json", "--record", "trace.csv"} << "trace.csv"
        << "is the scenario's arrival trace (online.trace";
    QTest::newRow("plan --output the description")
        << QStringList{"plan", "described.json", "--algorithm", "og", "--output", "desc.json"} << "desc.json"
        << "coinfer plan: --output desc.json is the scenario's DNN description (dnn.description";
    QTest::newRow("plan --output the profile, spelt otherwise")
        << QStringList{"plan", "described.json", "--algorithm", "og", "--output", "./sub/../profile.json"} << "profile.json"
        << "is the scenario's GPU profile (dnn.gpu_profile";
    QTest::newRow("expand --output a symlink to the description")
        << QStringList{"expand", "described.json", "--output", "desc-link.json"} << "desc.json"
        << "is the scenario's DNN description";
    QTest::newRow("expand --output a hard link to the profile")
        << QStringList{"expand", "described.json", "--output", "profile-hard.json"} << "profile.json"
        << "is the scenario's GPU profile";
    QTest::newRow("expand --output the scenario's trace")
        << QStringList{"expand", "traced.json", "--output", "trace.csv"} << "trace.csv"
        << "is the scenario's arrival trace";
    QTest::newRow("sweep --output the profile")
        << QStringList{"sweep", "described.json", "--vary", "users=2", "--algorithms", "local", "--output", "profile.json"}
        << "profile.json"
        << "coinfer sweep: --output profile.json is the scenario's GPU profile";
    QTest::newRow("train --output the scenario's trace")
        << QStringList{"train", "traced.json", "--episodes", "1", "--output", "trace.csv"} << "trace.csv"
        << "is the scenario's arrival trace";
    QTest::newRow("train --output the scenario")
        << QStringList{"train", "online.json", "--episodes", "1", "--output", "online.json"} << "online.json" << input;
    QTest::newRow("sweep merge --output one of its inputs")
        << QStringList{"sweep", "merge", "rows.csv", "--output", "./rows.csv"} << "rows.csv" << input;
}

void TestCliInputs::outputOntoInputIsRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, target);
    QFETCH(QString, fragment);
    const QString path = QDir(m_dir.path()).filePath(target);
    const QByteArray before = readAll(path);
    QVERIFY(!before.isEmpty());
    const Run result = run(args, m_dir.path());
    QVERIFY2(result.status == 2, qPrintable(report(result)));
    QVERIFY2(result.err.contains(fragment), qPrintable(report(result)));
    QVERIFY2(result.err.contains("choose another file"), qPrintable(report(result)));
    QCOMPARE(readAll(path), before);
}

void TestCliInputs::otherOutputsStillWork()
{
    // A new name beside the inputs is written as before.
    const Run plan = run({"plan", "described.json", "--algorithm", "og", "--output", "plan.json"}, m_dir.path());
    QVERIFY2(plan.status == 0, qPrintable(report(plan)));
    QVERIFY(readAll(QDir(m_dir.path()).filePath("plan.json")).contains("coinfer-plan"));
    const Run simulate = run({"simulate", "traced.json", "--record", "slots.csv"}, m_dir.path());
    QVERIFY2(simulate.status == 0, qPrintable(report(simulate)));
    QVERIFY(!readAll(QDir(m_dir.path()).filePath("slots.csv")).isEmpty());
}

namespace {

/// Starts coinfer with @p args, waits until its stderr contains @p ready, then @p settleMs more,
/// sends SIGTERM and returns how it ended.
Run terminateWhen(const QStringList& args, const QString& workingDir, const QString& ready, int settleMs = 0)
{
    return coinfer::testing::signalWhen(args, workingDir, ready, settleMs, SIGTERM);
}

} // namespace

void TestCliInputs::sigtermWritesFinishedSweepRows()
{
    // Ten points of the campus population, each a best search within its work budget: the first
    // tenth is reported long before the sweep ends.
    const QString csv = QDir(m_dir.path()).filePath("partial.csv");
    const Run result = terminateWhen({"sweep", COINFER_EXAMPLES "/campus.json", "--vary", "users=100:1000:100", "--algorithms",
                                      "og,best", "--jobs", "1", "--output", csv},
                                     m_dir.path(), "coinfer sweep: 1/10 points");
    QVERIFY2(result.status == 128 + SIGTERM, qPrintable(report(result)));
    QVERIFY2(result.err.contains("stopped by SIGTERM after"), qPrintable(report(result)));
    const QList<QByteArray> lines = readAll(csv).trimmed().split('\n');
    QVERIFY2(lines.size() >= 3, qPrintable(report(result))); // the header and one point's two rows at least
    QVERIFY(lines.front().startsWith("parameter,value,repeat,algorithm"));
    QVERIFY(lines.size() < 1 + 10 * 2);
}

void TestCliInputs::sigtermStopsSearchLikeCtrlC()
{
    // exact on 2,000 campus users runs far longer than the test. The search catches SIGTERM only
    // once it runs: the warning about the unknown field says the scenario is read, and a second
    // more covers the cost tables built before the search starts.
    const QString plan = QDir(m_dir.path()).filePath("stopped.json");
    const QString scenario = QDir(m_dir.path()).filePath("campus-2000.json");
    QByteArray campus = readAll(COINFER_EXAMPLES "/campus.json").replace("\"count\": 200", "\"count\": 2000");
    writeAll(scenario, campus.replace("\"format\":", "\"x_test_marker\": 1, \"format\":"));
    const Run result = terminateWhen({"plan", scenario, "--algorithm", "exact", "--time-limit-ms", "600000", "--output", plan},
                                     m_dir.path(), "x_test_marker", 1000);
    QVERIFY2(result.status == 0, qPrintable(report(result)));
    QVERIFY2(result.err.contains("stopped by SIGTERM"), qPrintable(report(result)));
    QVERIFY(readAll(plan).contains("coinfer-plan"));
}

void TestCliInputs::sigtermKeepsTheBestPolicy()
{
    // The first episode's line comes long before the last of 100,000 episodes.
    const QString policy = QDir(m_dir.path()).filePath("stopped-policy.json");
    const Run result =
        terminateWhen({"train", "online.json", "--episodes", "100000", "--output", policy}, m_dir.path(), "episode");
    QVERIFY2(result.status == 0, qPrintable(report(result)));
    QVERIFY2(result.err.contains("stopped by SIGTERM; keeping the best policy so far"), qPrintable(report(result)));
    QVERIFY(readAll(policy).contains("coinfer-policy"));
}

QTEST_GUILESS_MAIN(TestCliInputs)
#include "test_cli_inputs.moc"
