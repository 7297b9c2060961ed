// Start-up without CUDA: the coinfer program, and coinfer-gui, link no CUDA library,
// so they start and plan on a machine without one; `coinfer profile` runs coinfer-profile from
// its own folder, and says what is missing when that program, or a library it needs, is absent.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int status = -1;
    QString out, err;
};

Run run(const QString& program, const QStringList& args, const QString& workingDir = QDir::currentPath())
{
    QProcess process;
    process.setWorkingDirectory(workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, args);
    if (!process.waitForStarted() || !process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit)
        return {-1, "", program + " did not run to its end: " + process.errorString()};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString report(const Run& result)
{
    return QString("exit %1\nstdout: %2\nstderr: %3").arg(result.status).arg(result.out.left(600), result.err.left(1200));
}

/// A copy of the coinfer program alone in @p dir: no coinfer-profile beside it.
QString lonelyCoinfer(const QTemporaryDir& dir)
{
    const QString copy = dir.filePath("coinfer");
    QFile::copy(COINFER_EXE, copy);
    return copy;
}

/// An executable shell script named coinfer-profile in @p dir.
void fakeProfiler(const QTemporaryDir& dir, const QByteArray& script)
{
    QFile file(dir.filePath("coinfer-profile"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\n" + script);
    file.close();
    QVERIFY(file.setPermissions(file.permissions() | QFileDevice::ExeOwner));
}

} // namespace

class TestStartup : public QObject {
    Q_OBJECT

private slots:
    void programsLinkNoCudaLibrary_data()
    {
        QTest::addColumn<QString>("program");
        QTest::newRow("coinfer") << QString(COINFER_EXE);
#ifdef COINFER_GUI_EXE
        QTest::newRow("coinfer-gui") << QString(COINFER_GUI_EXE);
#endif
    }

    void programsLinkNoCudaLibrary()
    {
        QFETCH(QString, program);
        const Run ldd = run("ldd", {program});
        if (ldd.status == -1)
            QSKIP("ldd is not available here");
        QCOMPARE(ldd.status, 0);
        for (const char* library : {"libcuda.", "libcudart", "libcublas", "libcudnn"})
            QVERIFY2(!ldd.out.contains(library), qPrintable(program + " loads " + library + ":\n" + ldd.out));
    }

    void plansWithoutTheProfiler()
    {
        QTemporaryDir dir;
        const Run result = run(lonelyCoinfer(dir), {"plan", COINFER_EXAMPLES "/classroom.json"});
        QVERIFY2(result.status == 0, qPrintable(report(result)));
        QVERIFY(!result.out.isEmpty());
    }

    void profileWithoutTheProfilerSaysWhatIsMissing()
    {
        QTemporaryDir dir;
        const QString coinfer = lonelyCoinfer(dir);
        for (const QStringList& args :
             {QStringList{"profile", "--dnn", "resnet18", "--max-batch", "4"}, QStringList{"profile", "check"}}) {
            const Run result = run(coinfer, args);
            QVERIFY2(result.status == 4, qPrintable(report(result)));
            QVERIFY2(result.err.contains("the GPU profiler is not installed: " + dir.filePath("coinfer-profile") + " is missing"),
                     qPrintable(report(result)));
            QVERIFY2(result.err.contains("-DCOINFER_CUDA=ON"), qPrintable(report(result)));
            QVERIFY(result.out.isEmpty());
        }
        // A wrong option or DNN is still refused as such (exit 2), profiler or not.
        QCOMPARE(run(coinfer, {"profile", "--dnn", "alexnet"}).status, 2);
        QCOMPARE(run(coinfer, {"profile", "--dnn", "resnet18", "--launch", "lazy"}).status, 2);
        // Reading profiles needs no GPU.
        QCOMPARE(run(coinfer, {"profile", "show"}).status, 2);
    }

    void profileNamesTheLibraryThatIsMissing()
    {
        QTemporaryDir dir;
        const QString coinfer = lonelyCoinfer(dir);
        // What the dynamic loader says, and its status, when cuDNN is not installed.
        fakeProfiler(dir,
                     "echo \"$0: error while loading shared libraries: libcudnn.so.9: cannot open shared object file: No such "
                     "file or directory\" >&2\nexit 127\n");
        const Run result = run(coinfer, {"profile", "--dnn", "resnet18"});
        QVERIFY2(result.status == 4, qPrintable(report(result)));
        QVERIFY2(result.err.contains("cannot start: libcudnn.so.9 is missing"), qPrintable(report(result)));
        QVERIFY2(result.err.contains("LD_LIBRARY_PATH"), qPrintable(report(result)));
    }

    void profilePassesItsArgumentsAndStatusOn()
    {
        QTemporaryDir dir;
        const QString coinfer = lonelyCoinfer(dir);
        fakeProfiler(dir, "echo \"measured $*\"\necho progress >&2\nexit 1\n");
        const Run result = run(coinfer, {"profile", "--dnn", "resnet18", "--max-batch", "8", "--launch", "eager"});
        QVERIFY2(result.status == 1, qPrintable(report(result)));
        QCOMPARE(result.out, QString("measured profile --dnn resnet18 --max-batch 8 --launch eager\n"));
        QCOMPARE(result.err, QString("progress\n"));
    }

    void profileRunsTheProfilerBesideIt()
    {
        // The real coinfer-profile, beside coinfer in the build: it measures on a GPU, and says
        // why not without one (or in a build without CUDA).
        QTemporaryDir dir;
        const QString output = dir.filePath("profile.json");
        const Run result = run(COINFER_EXE, {"profile", "--dnn", "resnet18", "--max-batch", "2", "--warmup", "0", "--repetitions",
                                             "1", "--output", output});
        if (result.status == 0) {
            QVERIFY(QFile::exists(output));
            return;
        }
        QVERIFY2(result.status == 4, qPrintable(report(result)));
        QVERIFY2(result.err.contains("no usable GPU") || result.err.contains("built without CUDA") ||
                     result.err.contains("is missing"),
                 qPrintable(report(result)));
        QVERIFY(!QFile::exists(output));
    }
};

QTEST_GUILESS_MAIN(TestStartup)
#include "test_startup.moc"
