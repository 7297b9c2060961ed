// coinfer-gui's command line, run through the real executable: what a shell sees.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <QFile>
#include <QFileInfo>

namespace {

struct GuiRun {
    int status;
    QString err;
};

/// Runs coinfer-gui offscreen with `args`; a crash or a hang fails the calling test.
GuiRun runGui(const QStringList& args)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    process.setProcessEnvironment(env);
    process.start(COINFER_GUI_EXE, args);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        return {-1, "timed out"};
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return {-2, "crashed"};
    return {process.exitCode(), QString::fromLocal8Bit(process.readAllStandardError())};
}

} // namespace

class TestGuiMain : public QObject {
    Q_OBJECT

private slots:
    /// An unknown --page is refused with exit 2 and the valid pages named, and no
    /// screenshot is written.
    void unknownPageIsRefused()
    {
        QTemporaryDir dir;
        const QString shot = dir.path() + "/shot.png";
        const GuiRun run = runGui({"--screenshot", shot, "--page", "timeline", COINFER_EXAMPLES "/classroom.json"});
        QCOMPARE(run.status, 2);
        QVERIFY2(run.err.contains("timeline"), qPrintable(run.err));
        for (const char* page : {"comparison", "plan", "dnn", "online", "sweep"})
            QVERIFY2(run.err.contains(page), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(shot));
    }

    /// --select shoots the plan page with that user selected; on another page, or naming a user
    /// the scenario lacks, it exits 2 with why, and writes no shot.
    void selectNeedsThePlanPageAndAUserOfTheScenario()
    {
        QTemporaryDir dir;
        const QString shot = dir.path() + "/plan.png";
        const GuiRun wrongPage =
            runGui({"--screenshot", shot, "--page", "dnn", "--select", "hana", COINFER_EXAMPLES "/classroom.json"});
        QCOMPARE(wrongPage.status, 2);
        QVERIFY2(wrongPage.err.contains("--select needs --page plan"), qPrintable(wrongPage.err));
        const GuiRun nobody =
            runGui({"--screenshot", shot, "--page", "plan", "--select", "nobody", COINFER_EXAMPLES "/classroom.json"});
        QCOMPARE(nobody.status, 2);
        QVERIFY2(nobody.err.contains("\"nobody\""), qPrintable(nobody.err));
        QVERIFY(!QFileInfo::exists(shot));
        const GuiRun hana =
            runGui({"--screenshot", shot, "--page", "plan", "--select", "hana", COINFER_EXAMPLES "/classroom.json"});
        QCOMPARE(hana.status, 0);
        QVERIFY(QFileInfo::exists(shot));
    }

    /// The Sweep page renders a sweep given on the command line; a bad one exits 2.
    void sweepPageRendersTheSweepAsked()
    {
        QTemporaryDir dir;
        const QString shot = dir.path() + "/sweep.png";
        const GuiRun bad =
            runGui({"--screenshot", shot, "--page", "sweep", "--vary", "bogus=1", COINFER_EXAMPLES "/classroom.json"});
        QCOMPARE(bad.status, 2);
        QVERIFY2(bad.err.contains("deadline_scale"), qPrintable(bad.err));
        QVERIFY(!QFileInfo::exists(shot));
        const GuiRun run = runGui({"--screenshot", shot, "--page", "sweep", "--vary", "deadline_scale=0.8,1,1.2", "--algorithms",
                                   "local,og", COINFER_EXAMPLES "/classroom.json"});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QVERIFY(QFileInfo(shot).size() > 0);
    }

    /// A file the app cannot open is refused with the CLI's reason (file, field
    /// path, problem), not only "cannot be opened".
    void refusalNamesTheReason_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("invalid JSON") << "{\"format\": "
                                      << "not valid JSON";
        QTest::newRow("wrong type") << "{\"format\": \"coinfer-scenario\", \"version\": \"one\"}"
                                    << "version: must be";
        QTest::newRow("duplicate key") << "{\"format\": \"coinfer-scenario\", \"format\": \"x\"}"
                                       << "format: the key appears twice";
        QTest::newRow("missing") << QString() << "cannot be read";
    }

    void refusalNamesTheReason()
    {
        QFETCH(QString, content);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString file = dir.path() + "/bad.json";
        if (!content.isNull()) {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(content.toUtf8());
        }
        const QString shot = dir.path() + "/shot.png";
        const GuiRun run = runGui({"--screenshot", shot, file});
        QCOMPARE(run.status, 2);
        QVERIFY2(run.err.contains(file) && run.err.contains(reason), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(shot));
    }

    /// A known page still gives a screenshot and exit 0.
    void knownPageWritesTheScreenshot()
    {
        QTemporaryDir dir;
        const QString shot = dir.path() + "/shot.png";
        const GuiRun run = runGui({"--screenshot", shot, "--page", "online", COINFER_EXAMPLES "/classroom.json"});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QVERIFY(QFileInfo(shot).size() > 0);
    }
};

QTEST_GUILESS_MAIN(TestGuiMain)
#include "test_gui_main.moc"
