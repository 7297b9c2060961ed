// Hostile input files, run through the real `coinfer` executable: one data row per line of
// tests/data/hostile/<kind>/cases.tsv (the folder's README.md describes the columns and tokens).
// Each case must end by itself (no crash, no hang) with its exit status and a message that
// names the file and contains the expected fragment; bad input (2) writes nothing to stdout;
// and no hostile file is ever changed by the run.
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace {

const QStringList kKinds{"scenario", "plan", "dnn", "profile", "policy"};

/// Special files that a row names instead of a file of the folder (README.md).
const QStringList kTokens{":dev-zero", ":directory", ":fifo", ":missing"};
const QRegularExpression kSparseToken("^:sparse-([0-9]+)MiB$");

/// A case that takes longer than this fails; one still running at kKillMs is killed. Every case
/// takes well under a second (the limits are checked before anything large is built), so these
/// only catch a hang or a limit that no longer holds.
constexpr int kSlowMs = 10'000;
constexpr int kKillMs = 30'000;

struct Case {
    QString file;    ///< a file of the kind's folder, or a token
    QString command; ///< the coinfer command line with {file}, {dir}, {tmp}, {data}, {examples}
    int status = 0;
    QString fragment;
    int line = 0;
};

/// The executable under test: the build's own, or COINFER_HOSTILE_EXE (another build, e.g. one
/// with sanitizers, or an installed binary).
QString executable()
{
    return qEnvironmentVariableIsEmpty("COINFER_HOSTILE_EXE") ? QStringLiteral(COINFER_EXE)
                                                              : qEnvironmentVariable("COINFER_HOSTILE_EXE");
}

bool isToken(const QString& file)
{
    return kTokens.contains(file) || kSparseToken.match(file).hasMatch();
}

QString manifestPath(const QString& kind)
{
    return QStringLiteral(COINFER_HOSTILE "/") + kind + "/cases.tsv";
}

/// The rows of a kind's manifest; @p problems gets one line per malformed row.
QList<Case> readManifest(const QString& kind, QStringList* problems = nullptr)
{
    QList<Case> cases;
    QFile manifest(manifestPath(kind));
    if (!manifest.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (problems)
            problems->append(manifest.fileName() + ": cannot be read");
        return cases;
    }
    int number = 0;
    while (!manifest.atEnd()) {
        ++number;
        QString line = QString::fromUtf8(manifest.readLine());
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.startsWith('#'))
            continue;
        const QStringList columns = line.split('\t');
        bool statusOk = false;
        const int status = columns.size() == 4 ? columns[2].toInt(&statusOk) : -1;
        if (columns.size() != 4 || !statusOk || status < 0 || status > 4 || columns[0].isEmpty() || columns[3].isEmpty() ||
            !(columns[1].contains("{file}") || columns[1].contains("{dir}/"))) {
            if (problems)
                problems->append(QString("%1:%2: needs file, command (with {file}, or {dir}/ for a helper), status 0-4 and a "
                                         "fragment, separated by tabs")
                                     .arg(manifest.fileName())
                                     .arg(number));
            continue;
        }
        cases.append({columns[0], columns[1], status, columns[3], number});
    }
    return cases;
}

/// Copies the folder @p from into @p to, recursively.
bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    if (!QDir().mkpath(to))
        return false;
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + "/" + QDir(from).relativeFilePath(source);
        if (it.fileInfo().isDir() ? !QDir().mkpath(target) : !QFile::copy(source, target))
            return false;
    }
    return true;
}

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool isFifo(const QString& path)
{
    struct stat info { };
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 && S_ISFIFO(info.st_mode);
}

} // namespace

class TestHostile : public QObject {
    Q_OBJECT

    /// The hostile folders are copied here, so that a run that writes where it must not
    /// (--output equal to the input) cannot touch the repository.
    QTemporaryDir m_copy;

    QString kindDir(const QString& kind) const { return m_copy.path() + "/hostile/" + kind; }

    /// The path a row's file stands for; tokens are made in @p scratch.
    QString materialise(const QString& kind, const QString& file, const QString& scratch) const
    {
        if (file == ":dev-zero")
            return "/dev/zero";
        if (file == ":directory") {
            QDir(scratch).mkdir("a-directory");
            return scratch + "/a-directory";
        }
        if (file == ":fifo") {
            const QString path = scratch + "/a-fifo";
            ::mkfifo(QFile::encodeName(path).constData(), 0600);
            return path;
        }
        if (file == ":missing")
            return scratch + "/no-such-file.json";
        if (const QRegularExpressionMatch sparse = kSparseToken.match(file); sparse.hasMatch()) {
            // A file of NUL bytes with no blocks on disk: the size is what the limit sees.
            const QString path = scratch + "/sparse-" + sparse.captured(1) + "MiB.json";
            QFile out(path);
            if (out.open(QIODevice::WriteOnly))
                out.resize(sparse.captured(1).toLongLong() << 20);
            return path;
        }
        return kindDir(kind) + "/" + file;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(executable()).isExecutable(), qPrintable(executable() + " is not built"));
        QVERIFY(m_copy.isValid());
        QVERIFY(copyTree(COINFER_HOSTILE, m_copy.path() + "/hostile"));
    }

    /// Every manifest is well formed, names only files that exist, and lists every file of its
    /// folder, as a row's file or as a helper that a command names ({dir}/NAME), so none is forgotten.
    void everyFileIsListed()
    {
        QStringList problems;
        const QStringList folders = QDir(COINFER_HOSTILE).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(QSet<QString>(folders.begin(), folders.end()), QSet<QString>(kKinds.begin(), kKinds.end()));
        for (const QString& kind : kKinds) {
            const QList<Case> cases = readManifest(kind, &problems);
            if (cases.isEmpty())
                problems.append(kind + ": the manifest has no cases");
            const QDir folder(QStringLiteral(COINFER_HOSTILE "/") + kind);
            QSet<QString> listed{"cases.tsv"};
            for (const Case& c : cases) {
                if (c.file.startsWith(':') && !isToken(c.file))
                    problems.append(QString("%1:%2: unknown token %3").arg(manifestPath(kind)).arg(c.line).arg(c.file));
                else if (!isToken(c.file) && !folder.exists(c.file))
                    problems.append(QString("%1:%2: %3 is not in the folder").arg(manifestPath(kind)).arg(c.line).arg(c.file));
                listed.insert(c.file);
                static const QRegularExpression helper("\\{dir\\}/([^ ]+)");
                for (auto it = helper.globalMatch(c.command); it.hasNext();)
                    listed.insert(QDir::cleanPath(it.next().captured(1)));
            }
            for (const QString& name : folder.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
                if (!listed.contains(name))
                    problems.append(kind + "/" + name + ": not listed in " + manifestPath(kind));
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void runsEveryCase_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("fragment");
        for (const QString& kind : kKinds) {
            QHash<QString, int> seen;
            for (const Case& c : readManifest(kind)) {
                // A file run by several commands: kind/file, then kind/file (2), ...
                const int count = ++seen[c.file];
                const QString name = kind + "/" + c.file + (count > 1 ? QString(" (%1)").arg(count) : QString());
                QTest::newRow(qPrintable(name)) << kind << c.file << c.command << c.status << c.fragment;
            }
        }
    }

    void runsEveryCase()
    {
        QFETCH(QString, kind);
        QFETCH(QString, file);
        QFETCH(QString, command);
        QFETCH(int, status);
        QFETCH(QString, fragment);

        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        const QString path = materialise(kind, file, scratch.path());
        const bool special = isToken(file);
        const QByteArray before = special ? QByteArray() : contents(path);

        // Leading NAME=VALUE words set the environment; COINFER_MAX_INPUT_MB is unset otherwise.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove("COINFER_MAX_INPUT_MB");
        QStringList words = command.split(' ', Qt::SkipEmptyParts);
        static const QRegularExpression assignment("^([A-Z_][A-Z0-9_]*)=(.*)$");
        while (!words.isEmpty()) {
            const QRegularExpressionMatch setting = assignment.match(words.front());
            if (!setting.hasMatch())
                break;
            environment.insert(setting.captured(1), setting.captured(2));
            words.removeFirst();
        }
        for (QString& word : words)
            word.replace("{file}", path)
                .replace("{dir}", kindDir(kind))
                .replace("{tmp}", scratch.path())
                .replace("{data}", COINFER_TEST_DATA)
                .replace("{examples}", COINFER_EXAMPLES);

        QProcess process;
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(scratch.path());
        process.setStandardInputFile(QProcess::nullDevice());
        QElapsedTimer timer;
        timer.start();
        process.start(executable(), words);
        QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
        if (!process.waitForFinished(kKillMs)) {
            process.kill();
            process.waitForFinished();
            QFAIL(qPrintable(QString("still running after %1 ms: coinfer %2").arg(kKillMs).arg(words.join(' '))));
        }
        const qint64 elapsedMs = timer.elapsed();
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        const QString report = QString("coinfer %1\nexit %2 after %3 ms\nstdout: %4\nstderr: %5")
                                   .arg(words.join(' '))
                                   .arg(process.exitCode())
                                   .arg(elapsedMs)
                                   .arg(out.left(600), err.left(1200));

        QVERIFY2(process.exitStatus() == QProcess::NormalExit, qPrintable("crashed (signal, abort or sanitizer)\n" + report));
        QVERIFY2(process.exitCode() == status, qPrintable(QString("expected exit %1\n").arg(status) + report));
        // verify's list of broken constraints (exit 1) is its output; every other message goes to stderr.
        const QString& message = status == 1 ? out : err;
        QVERIFY2(message.contains(fragment), qPrintable("expected the message to contain: " + fragment + "\n" + report));
        if (status != 1) {
            const QString named = special ? path : QFileInfo(path).fileName();
            QVERIFY2(err.contains(named), qPrintable("expected the message to name " + named + "\n" + report));
        }
        if (status == 2)
            QVERIFY2(out.isEmpty(), qPrintable("bad input must write nothing to stdout\n" + report));
        QVERIFY2(elapsedMs < kSlowMs, qPrintable(QString("took %1 ms, more than %2\n").arg(elapsedMs).arg(kSlowMs) + report));

        // The run leaves its inputs as they were.
        if (!special)
            QVERIFY2(contents(path) == before, qPrintable("the hostile file was changed\n" + report));
        if (file == ":fifo")
            QVERIFY2(isFifo(path), qPrintable("the named pipe was replaced\n" + report));
        if (file == ":directory")
            QVERIFY2(QFileInfo(path).isDir(), qPrintable("the directory was replaced\n" + report));
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "test_hostile.moc"
