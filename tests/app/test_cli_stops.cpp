// Time limits are limits: best, og and ip-ssa stop at --time-limit-ms and on
// SIGTERM or Ctrl-C while OG runs, at 20,000 users (best at 10^6 users too), and write a valid plan or say that none was
// found yet; simulate and compare-online keep their finished work on SIGTERM. The scenarios are tests/data/large (written by scripts/make-large-scenario.py
// --form population: campus-20000x1 with --users 20000 --subtasks 1, campus-10000x20 with
// --users 10000 --subtasks 20, on which OG alone runs for seconds). Runs the real executable.
#include "cliprocess.h"
#include "tests/common/sanitized.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

namespace {

using Run = coinfer::testing::ProcessRun;
using coinfer::testing::readAll;
using coinfer::testing::report;
using coinfer::testing::signalWhen;

Run run(const QStringList& args, const QString& workingDir)
{
    return coinfer::testing::runCoinfer(args, workingDir);
}

/// Copies a scenario of tests/data/large into @p dir with an unknown field, whose warning on
/// stderr says that the scenario has been read.
QString markedCopy(const QString& name, const QString& dir)
{
    const QString path = QDir(dir).filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(readAll(COINFER_TEST_DATA "/large/" + name).replace("\"format\":", "\"x_test_marker\": 1, \"format\":"));
    return path;
}

} // namespace

class TestCliStops : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void bestHonoursShortTimeLimit();
    void bestHonoursItsLimitAtMillionUsers();
    void sigtermStopsBestAtMillionUsers();
    void ipSsaKeepsItsPlanSoFar();
    void ogStopsWithinItsLimit();
    void ogUnstoppedIsUnchanged();
    void compareLimitStopsOg();
    void limitRefusedWherePlannersCannotStop();
    void sigtermStopsBestWhileOgRuns();
    void ctrlCStopsBestAt20000Users();
    void ctrlCStopsOg();
    void sigtermKeepsFinishedEpisodes();
    void sigtermKeepsFinishedComparisonRows();

private:
    QTemporaryDir m_dir;
    QString m_wide, m_long; // 20,000 x 1 and 10,000 x 20
};

void TestCliStops::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_wide = markedCopy("campus-20000x1.json", m_dir.path());
    m_long = markedCopy("campus-10000x20.json", m_dir.path());
    QVERIFY(!m_wide.isEmpty() && !m_long.isEmpty());
    QFile online(QDir(m_dir.path()).filePath("online-marked.json"));
    QVERIFY(online.open(QIODevice::WriteOnly));
    online.write(readAll(COINFER_EXAMPLES "/online.json").replace("\"format\":", "\"x_test_marker\": 1, \"format\":"));
}

void TestCliStops::bestHonoursShortTimeLimit()
{
    // Reading, timing and writing the plan cost what local's plan costs; the search on top of
    // them must end within 10% of its limit plus 100 ms (with room for a loaded or sanitized build).
    const Run local = run({"plan", m_wide, "--algorithm", "local", "--output", "local.json"}, m_dir.path());
    QVERIFY2(local.status == 0, qPrintable(report(local)));
    const int limitMs = 200;
    const Run best = run({"plan", m_wide, "--time-limit-ms", QString::number(limitMs), "--output", "best.json"}, m_dir.path());
    QVERIFY2(best.status == 0, qPrintable(report(best)));
    QVERIFY2(best.elapsedMs - local.elapsedMs < limitMs * 11 / 10 + 100 + 900,
             qPrintable(report(best) + "\nlocal: " + report(local)));
    QVERIFY2(best.err.contains("time limit reached"), qPrintable(report(best)));
    QVERIFY(readAll(QDir(m_dir.path()).filePath("best.json")).contains("\"search_end\": \"time limit reached\""));
    const Run verify = run({"verify", m_wide, "best.json"}, m_dir.path());
    QVERIFY2(verify.status == 0, qPrintable(report(verify)));
}

void TestCliStops::bestHonoursItsLimitAtMillionUsers()
{
    if (coinfer::testing::kSanitized)
        QSKIP("10^6 users take minutes under the sanitizers; the normal build checks the limit");
    // CPU time, not wall time: the limit is wall-clock, so on a loaded machine best works less
    // before it, never more; the CPU time best spends beyond local's run (reading, timing and
    // writing 10^6 users) is its search, which must end within 10% of the limit plus 100 ms,
    // with 300 ms of room for the plan and the simulation running when the limit passes.
    const QString million = COINFER_TEST_DATA "/large/campus-1000000x1.json";
    const Run local = run({"plan", million, "--algorithm", "local", "--output", "million-local.json"}, m_dir.path());
    QVERIFY2(local.status == 0, qPrintable(report(local)));
    const int limitMs = 1000;
    const Run best =
        run({"plan", million, "--time-limit-ms", QString::number(limitMs), "--output", "million-best.json"}, m_dir.path());
    QVERIFY2(best.status == 0, qPrintable(report(best)));
    QVERIFY2(best.err.contains("time limit reached"), qPrintable(report(best)));
    qInfo("10^6 x 1, --time-limit-ms %d: best %lld ms of CPU, local %lld ms", limitMs, best.cpuMs, local.cpuMs);
    QVERIFY2(best.cpuMs - local.cpuMs < limitMs * 11 / 10 + 100 + 300,
             qPrintable(QString("best took %1 ms of CPU, local %2 ms\n").arg(best.cpuMs).arg(local.cpuMs) + report(best)));
}

void TestCliStops::sigtermStopsBestAtMillionUsers()
{
    if (coinfer::testing::kSanitized)
        QSKIP("10^6 users take minutes under the sanitizers; the normal build checks the stop");
    // At 10^6 users one step of best (a planner's plan, a timing, a step of the capacity bound)
    // took up to 0.7 s; SIGTERM must stop the planner within 200 ms wherever it lands. The signals
    // land 1, 2 and 3.5 s after the scenario is read: in the planners shown beside best, the
    // capacity bound and the portfolio on a quiet machine. The planner's reaction is the figure coinfer states,
    // not the test's clock: writing the plan takes seconds more. Its CPU time is checked, which a
    // loaded 2-core machine does not stretch as it does wall time (1.5 times in our runs).
    const QString million = markedCopy("campus-1000000x1.json", m_dir.path());
    QVERIFY(!million.isEmpty());
    const QRegularExpression returned("coinfer plan: best returned (\\d+) ms \\((\\d+) ms of CPU\\) after SIGTERM");
    // The marker's warning comes once the 10^6 users are generated; building their cost model
    // took up to 0.6 s more on a loaded machine, and a signal before the planner starts ends
    // the process (exit -15), as it does while the file is read.
    for (const int settleMs : {1000, 2000, 3500}) {
        const Run best =
            signalWhen({"plan", million, "--output", "million-term.json"}, m_dir.path(), "x_test_marker", settleMs, SIGTERM);
        QVERIFY2(best.status == 0, qPrintable(report(best)));
        const QRegularExpressionMatch stop = returned.match(best.err);
        QVERIFY2(stop.hasMatch() && best.err.contains("stopped by SIGTERM"), qPrintable(report(best)));
        qInfo("10^6 x 1, SIGTERM %d ms after the marker: best returned %s ms (%s ms of CPU) after it", settleMs,
              qPrintable(stop.captured(1)), qPrintable(stop.captured(2)));
        QVERIFY2(stop.captured(2).toInt() < 200, qPrintable(report(best)));
        QVERIFY(readAll(QDir(m_dir.path()).filePath("million-term.json")).contains("\"search_end\": \"cancelled\""));
        QVERIFY(QFile::remove(QDir(m_dir.path()).filePath("million-term.json")));
    }
}

void TestCliStops::compareLimitStopsOg()
{
    // compare's limit applies to og and ip-ssa too: OG, which runs for seconds on 10,000 x 20,
    // stops at 100 ms, and its row and a line say so.
    const int limitMs = 100;
    const Run compare = run({"compare", m_long, "--time-limit-ms", QString::number(limitMs)}, m_dir.path());
    QVERIFY2(compare.status == 0, qPrintable(report(compare)));
    const QRegularExpression ogLine("^og: time limit reached", QRegularExpression::MultilineOption);
    QVERIFY2(ogLine.match(compare.out).hasMatch(), qPrintable(report(compare)));
    const QRegularExpression ogRow("^og\\s+(\\S+\\s+){4}(\\d+\\.\\d+)", QRegularExpression::MultilineOption);
    const QRegularExpressionMatch row = ogRow.match(compare.out);
    QVERIFY2(row.hasMatch(), qPrintable(report(compare)));
    QVERIFY2(row.captured(2).toDouble() < limitMs * 1.1 + 100 + 300, qPrintable(report(compare)));
}

void TestCliStops::ipSsaKeepsItsPlanSoFar()
{
    // IP-SSA's first plan always runs to its end; the bound iteration after it stops at 1 ms.
    const Run ipSsa =
        run({"plan", m_wide, "--algorithm", "ip-ssa", "--time-limit-ms", "1", "--output", "ipssa.json"}, m_dir.path());
    QVERIFY2(ipSsa.status == 0 || ipSsa.status == 3, qPrintable(report(ipSsa)));
    QVERIFY2(ipSsa.err.contains(
                 "coinfer plan: ip-ssa: time limit reached; the plan is the least-energy one of its bound iteration so far"),
             qPrintable(report(ipSsa)));
    const QByteArray plan = readAll(QDir(m_dir.path()).filePath("ipssa.json"));
    QVERIFY(plan.contains("\"algorithm\": \"ip-ssa\""));
    QVERIFY(plan.contains("\"search_end\": \"time limit reached\""));
}

void TestCliStops::ogStopsWithinItsLimit()
{
    // OG on 10,000 users x 20 sub-tasks runs for a second or more (more while other builds run).
    // At 100 ms it has no plan yet, which it says, naming when it stopped; on a fast machine it
    // has its first plan and stops in the bound iteration, writing that plan.
    const Run local = run({"plan", m_long, "--algorithm", "local", "--output", "og-local.json"}, m_dir.path());
    QVERIFY2(local.status == 0, qPrintable(report(local)));
    const Run og = run({"plan", m_long, "--algorithm", "og", "--time-limit-ms", "100", "--output", "og.json"}, m_dir.path());
    QVERIFY2(og.elapsedMs - local.elapsedMs < 100 * 11 / 10 + 100 + 900, qPrintable(report(og) + "\nlocal: " + report(local)));
    if (og.status == 2) {
        const QRegularExpressionMatch stopped =
            QRegularExpression(
                "coinfer: og stopped \\(time limit reached\\) after (\\d+) ms, before it had a first plan; no plan was written")
                .match(og.err);
        QVERIFY2(stopped.hasMatch(), qPrintable(report(og)));
        QVERIFY2(stopped.captured(1).toInt() <= 100 * 11 / 10 + 100 + 300, qPrintable(report(og)));
        QVERIFY(!QFile::exists(QDir(m_dir.path()).filePath("og.json")));
    } else {
        QVERIFY2(og.status == 0 && og.err.contains("coinfer plan: og: time limit reached"), qPrintable(report(og)));
        QVERIFY(readAll(QDir(m_dir.path()).filePath("og.json")).contains("\"search_end\": \"time limit reached\""));
    }
}

void TestCliStops::ogUnstoppedIsUnchanged()
{
    // A limit that does not apply changes nothing: the same plan, byte for byte, and no search_end.
    const Run plain = run({"plan", m_wide, "--algorithm", "og", "--output", "og-plain.json"}, m_dir.path());
    const Run limited =
        run({"plan", m_wide, "--algorithm", "og", "--time-limit-ms", "600000", "--output", "og-limited.json"}, m_dir.path());
    QVERIFY2(plain.status == 0, qPrintable(report(plain)));
    QVERIFY2(limited.status == 0, qPrintable(report(limited)));
    const QByteArray plan = readAll(QDir(m_dir.path()).filePath("og-plain.json"));
    QVERIFY(plan.contains("coinfer-plan") && !plan.contains("search_end"));
    QCOMPARE(readAll(QDir(m_dir.path()).filePath("og-limited.json")), plan);
}

void TestCliStops::limitRefusedWherePlannersCannotStop()
{
    const Run local = run({"plan", m_wide, "--algorithm", "no-batching", "--time-limit-ms", "100"}, m_dir.path());
    QCOMPARE(local.status, 2);
    QVERIFY2(local.err.contains("--time-limit-ms applies to best, exact, og and ip-ssa only, not to no-batching"),
             qPrintable(report(local)));
}

void TestCliStops::sigtermStopsBestWhileOgRuns()
{
    // Best on 10,000 x 20 spends its first second in the portfolio and OG (seconds on its own):
    // SIGTERM then stops it within a second (the issue saw 33 s) with a valid plan so far.
    const Run best = signalWhen({"plan", m_long, "--output", "best-term.json"}, m_dir.path(), "x_test_marker", 1000, SIGTERM);
    QVERIFY2(best.status == 0, qPrintable(report(best)));
    QVERIFY2(best.elapsedMs < 2000, qPrintable(report(best)));
    QVERIFY2(best.err.contains("stopped by SIGTERM"), qPrintable(report(best)));
    const QByteArray plan = readAll(QDir(m_dir.path()).filePath("best-term.json"));
    QVERIFY(plan.contains("\"search_end\": \"cancelled\""));
    const Run verify = run({"verify", m_long, "best-term.json"}, m_dir.path());
    QVERIFY2(verify.status == 0 || verify.status == 3, qPrintable(report(verify))); // timed again: a valid plan file
}

void TestCliStops::ctrlCStopsBestAt20000Users()
{
    // The case: after Ctrl-C, best on 20,000 x 1 took 33 s to stop. Best runs there for
    // about 1.5 s; 300 ms in, Ctrl-C stops it at once with its plan so far.
    const Run best = signalWhen({"plan", m_wide, "--output", "best-int.json"}, m_dir.path(), "x_test_marker", 300, SIGINT);
    QVERIFY2(best.status == 0, qPrintable(report(best)));
    QVERIFY2(best.elapsedMs < 1000, qPrintable(report(best)));
    QVERIFY2(best.err.contains("stopped by Ctrl-C"), qPrintable(report(best)));
    QVERIFY(readAll(QDir(m_dir.path()).filePath("best-int.json")).contains("\"search_end\": \"cancelled\""));
}

void TestCliStops::ctrlCStopsOg()
{
    // Ctrl-C during OG's first plan (seconds): no plan yet, said so, and the shell's 130; were it
    // past the first plan, the plan so far is written.
    const Run og =
        signalWhen({"plan", m_long, "--algorithm", "og", "--output", "og-int.json"}, m_dir.path(), "x_test_marker", 200, SIGINT);
    QVERIFY2(og.elapsedMs < 2000, qPrintable(report(og)));
    if (og.status == 128 + SIGINT) {
        QVERIFY2(og.err.contains("og stopped (cancelled)") && og.err.contains("before it had a first plan"),
                 qPrintable(report(og)));
        QVERIFY(!QFile::exists(QDir(m_dir.path()).filePath("og-int.json")));
    } else {
        QVERIFY2(og.status == 0 && og.err.contains("og: stopped by Ctrl-C"), qPrintable(report(og)));
        QVERIFY(readAll(QDir(m_dir.path()).filePath("og-int.json")).contains("\"search_end\": \"cancelled\""));
    }
}

void TestCliStops::sigtermKeepsFinishedEpisodes()
{
    // 100,000 episodes of the online example take minutes; a second in, SIGTERM ends the run after
    // the episode running: the finished ones are reported, nothing is recorded, exit 143.
    const Run simulated =
        signalWhen({"simulate", "online-marked.json", "--episodes", "100000", "--format", "json", "--record", "slots.csv"},
                   m_dir.path(), "x_test_marker", 1000, SIGTERM);
    QVERIFY2(simulated.status == 128 + SIGTERM, qPrintable(report(simulated)));
    const QRegularExpressionMatch stopped =
        QRegularExpression("coinfer simulate: stopped by SIGTERM after (\\d+) of 100000 episodes").match(simulated.err);
    QVERIFY2(stopped.hasMatch() && stopped.captured(1).toInt() > 0, qPrintable(report(simulated)));
    QVERIFY2(simulated.out.contains("\"episodes\":" + stopped.captured(1) + ","), qPrintable(report(simulated)));
    QVERIFY2(simulated.elapsedMs < 2000, qPrintable(report(simulated)));
    QVERIFY(!QFile::exists(QDir(m_dir.path()).filePath("slots.csv")));
}

void TestCliStops::sigtermKeepsFinishedComparisonRows()
{
    // During the first agent's training no row is finished: an empty JSON array, said so, exit 143
    // (before, compare-online trained the second agent after the first signal).
    const Run compared = signalWhen({"compare-online", "online-marked.json", "--episodes", "100000", "--format", "json"},
                                    m_dir.path(), "episode   2/", 0, SIGTERM);
    QVERIFY2(compared.status == 128 + SIGTERM, qPrintable(report(compared)));
    QVERIFY2(compared.err.contains("coinfer compare-online: stopped by SIGTERM after 0 of 9 rows; the rows printed are complete"),
             qPrintable(report(compared)));
    QCOMPARE(compared.out.trimmed(), QString("[]"));
    QVERIFY2(compared.elapsedMs < 5000, qPrintable(report(compared)));
}

QTEST_GUILESS_MAIN(TestCliStops)
#include "test_cli_stops.moc"
