#pragma once
// The coinfer executable run as a process for the CLI tests that need a real one (signals,
// files beside the inputs): run it, or signal it once its stderr says it is at work, and read
// what it wrote. Needs COINFER_EXE.

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <signal.h>
#include <sys/resource.h>

namespace coinfer::testing {

/// How a coinfer process ended: status -1 when it did not start, crashed, hung, or ended before
/// it was sent its signal (err says which).
struct ProcessRun {
    int status = -1;
    QString out, err;
    qint64 elapsedMs = 0; ///< from the start, or from the signal when one was sent
    qint64 cpuMs = 0;     ///< user and system CPU time of the whole run (runCoinfer only)
};

/// User and system CPU time of this process's children that have ended and been waited for.
inline qint64 endedChildrenCpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

/// Runs coinfer with @p args in @p workingDir, stdin empty, for up to 120 s.
inline ProcessRun runCoinfer(const QStringList& args, const QString& workingDir)
{
    QProcess process;
    process.setWorkingDirectory(workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    QElapsedTimer clock;
    clock.start();
    const qint64 cpuBeforeMs = endedChildrenCpuMs();
    process.start(COINFER_EXE, args);
    if (!process.waitForStarted() || !process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit)
        return {-1, "", "did not run to its end: " + process.errorString(), clock.elapsed()};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError()), clock.elapsed(), endedChildrenCpuMs() - cpuBeforeMs};
}

/// Runs coinfer, sends @p signal @p settleMs after its stderr says @p ready, and times the rest.
inline ProcessRun signalWhen(const QStringList& args, const QString& workingDir, const QString& ready, int settleMs, int signal)
{
    QProcess process;
    process.setWorkingDirectory(workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(COINFER_EXE, args);
    if (!process.waitForStarted())
        return {-1, "", "did not start"};
    QByteArray err;
    while (!err.contains(ready.toUtf8()) && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
    }
    if (settleMs > 0)
        process.waitForFinished(settleMs);
    if (process.state() != QProcess::Running)
        return {-1, "", "ended before it was sent the signal: " + QString::fromUtf8(err + process.readAllStandardError())};
    QElapsedTimer clock;
    clock.start();
    ::kill(static_cast<pid_t>(process.processId()), signal);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit)
        return {-1, "", "did not end by itself after the signal: " + QString::fromUtf8(err + process.readAllStandardError())};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(err + process.readAllStandardError()), clock.elapsed()};
}

/// The run in words, for a failing check.
inline QString report(const ProcessRun& result)
{
    return QString("exit %1 after %2 ms\nstdout: %3\nstderr: %4")
        .arg(result.status)
        .arg(result.elapsedMs)
        .arg(result.out.left(600), result.err.left(1200));
}

/// The file's bytes; empty when it cannot be read.
inline QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace coinfer::testing
