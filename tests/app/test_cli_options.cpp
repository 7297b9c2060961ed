// The coinfer command line's options: every command's help, the parser and the help agreeing,
// and options given wrongly (missing values, repeats, malformed numbers).
#include "clitest.h"

#include <QJsonObject>
#include <QTest>

#include <string>
#include <vector>

using namespace coinfer;
using namespace coinfer::testing; // run, parse, compareRows, writePlanFile, kClassroom

class TestCliOptions : public QObject {
    Q_OBJECT

private slots:
    void everyCommandPrintsItsHelp_data()
    {
        QTest::addColumn<QString>("command");
        for (const char* command :
             {"plan", "verify", "compare", "expand", "dnn", "dnn list", "dnn show", "dnn import", "profile", "profile check",
              "profile show", "profile diff", "simulate", "train", "compare-online", "sweep", "sweep merge"})
            QTest::newRow(command) << QString(command);
    }

    void everyCommandPrintsItsHelp()
    {
        QFETCH(QString, command);
        std::vector<std::string> args;
        for (const QString& word : command.split(' '))
            args.push_back(word.toStdString());
        for (const char* flag : {"--help", "-h"}) {
            std::vector<std::string> withFlag = args;
            withFlag.push_back(flag);
            const Run help = run(withFlag);
            QCOMPARE(help.status, 0);
            QVERIFY2(help.err.empty(), help.err.c_str());
            const std::string usage = "  coinfer " + command.toStdString();
            QVERIFY2(help.out.rfind("Usage:\n" + usage, 0) == 0, help.out.c_str());
            QVERIFY2(help.out.find("-h, --help") != std::string::npos, help.out.c_str());
        }
        // A --help among other arguments still prints the help and runs nothing.
        std::vector<std::string> amongOthers = args;
        amongOthers.insert(amongOthers.end(), {kClassroom, "--help"});
        const Run help = run(amongOthers);
        QCOMPARE(help.status, 0);
        QVERIFY(help.out.rfind("Usage:", 0) == 0);
    }

    void helpAndParserAgree_data() { everyCommandPrintsItsHelp_data(); }

    void helpAndParserAgree()
    {
        // Every usage line of `coinfer CMD --help` is in `coinfer --help`, and every option it
        // shows is one the parser takes: given without its value, it is missing a value, not unknown.
        QFETCH(QString, command);
        std::vector<std::string> args;
        for (const QString& word : command.split(' '))
            args.push_back(word.toStdString());
        std::vector<std::string> withHelp = args;
        withHelp.push_back("--help");
        const std::string help = run(withHelp).out;
        const size_t lineStart = help.find("coinfer");
        QVERIFY2(lineStart != std::string::npos, help.c_str());
        const std::string usageLine = help.substr(lineStart, help.find('\n', lineStart) - lineStart);
        QVERIFY2(run({"--help"}).out.find(usageLine.substr(0, usageLine.find(" | "))) != std::string::npos, usageLine.c_str());
        std::istringstream words(usageLine);
        int options = 0;
        for (std::string word; words >> word;) {
            const size_t start = word.find("--");
            if (start == std::string::npos || word.find("--help") != std::string::npos)
                continue;
            const std::string option =
                word.substr(start, word.find(']') == std::string::npos ? std::string::npos : word.find(']') - start);
            std::vector<std::string> missingValue = args;
            missingValue.push_back(option);
            const Run refused = run(missingValue);
            QCOMPARE(refused.status, 2);
            QVERIFY2(refused.err == "coinfer: " + option + " needs a value\n", (option + ": " + refused.err).c_str());
            ++options;
        }
        if (command == "plan")
            QCOMPARE(options, 4);
    }

    void anOptionWithoutItsValueIsRefused()
    {
        // Before, --output took "--format" as its file name and wrote a file of that name.
        QTemporaryDir dir;
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        const Run result = run({"plan", kClassroom, "--output", "--format", "table"});
        QVERIFY(QDir::setCurrent(previous));
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QCOMPARE(result.err, std::string("coinfer: --output needs a value\n"));
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System).isEmpty());
        const Run atTheEnd = run({"simulate", COINFER_EXAMPLES "/online.json", "--policy"});
        QCOMPARE(atTheEnd.status, 2);
        QCOMPARE(atTheEnd.err, std::string("coinfer: --policy needs a value\n"));
    }

    void aRepeatedOptionIsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        const QString classroom = QString::fromStdString(kClassroom), online = COINFER_EXAMPLES "/online.json";
        QTest::newRow("algorithm") << QStringList{"plan", classroom, "--algorithm", "og", "--algorithm", "ip-ssa"}
                                   << "--algorithm";
        QTest::newRow("same value") << QStringList{"plan", classroom, "--format", "table", "--format", "table"} << "--format";
        QTest::newRow("with =") << QStringList{"compare", classroom, "--time-limit-ms=50", "--time-limit-ms", "60"}
                                << "--time-limit-ms";
        QTest::newRow("episodes") << QStringList{"simulate", online, "--episodes", "1", "--episodes", "2"} << "--episodes";
        QTest::newRow("dnn show") << QStringList{"dnn", "show", "resnet18", "--format", "json", "--format", "table"}
                                  << "--format";
    }

    void aRepeatedOptionIsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        std::vector<std::string> arguments;
        for (const QString& arg : args)
            arguments.push_back(arg.toStdString());
        const Run result = run(arguments);
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.rfind("coinfer: " + option.toStdString() + " is given more than once", 0) == 0, result.err.c_str());
    }

    void everyScenarioCommandWantsExactlyOneFile_data()
    {
        // One message for every command that reads one scenario, naming the count it was given.
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<QStringList>("files");
        const QStringList none, two{"a.json", "b.json"};
        for (const QStringList& command :
             {QStringList{"plan"}, QStringList{"compare"}, QStringList{"expand"}, QStringList{"sweep"}, QStringList{"simulate"},
              QStringList{"train", "--output", "never-written.json"}, QStringList{"compare-online"}})
            for (const QStringList& files : {none, two})
                QTest::newRow(qPrintable(QString("%1, %2 files").arg(command.front()).arg(files.size()))) << command << files;
    }

    void everyScenarioCommandWantsExactlyOneFile()
    {
        QFETCH(QStringList, command);
        QFETCH(QStringList, files);
        std::vector<std::string> args{command.front().toStdString()};
        for (const QString& file : files)
            args.push_back(file.toStdString());
        for (const QString& option : command.mid(1))
            args.push_back(option.toStdString());
        const Run result = run(args);
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        const std::string prefix = "coinfer " + command.front().toStdString();
        QCOMPARE(result.err, prefix + ": give exactly one scenario file, not " + std::to_string(files.size()) + " (see " +
                                 prefix + " --help)\n");
    }

    void anUnknownSimulateFormatIsRefused()
    {
        // Before, any --format but json printed the table and exited 0.
        const Run result = run({"simulate", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--format", "xml"});
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QCOMPARE(result.err, std::string("coinfer simulate: --format must be table or json, not 'xml'\n"));
        QCOMPARE(run({"simulate", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--format", "table"}).status, 0);
    }

    void malformedNumbersAreRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        const QString online = COINFER_EXAMPLES "/online.json";
        for (const char* policy : {"periodic:50ms", "threshold:0.5abc", "periodic:", "threshold: 0.5", "periodic:0x10",
                                   "periodic:inf", "threshold:nan", "threshold:0.5\"x"})
            QTest::newRow(policy) << QStringList{"simulate", online, "--episodes", "1", "--policy", policy} << "--policy";
        QTest::newRow("episodes with a space") << QStringList{"simulate", online, "--episodes", " 1"} << "--episodes";
        QTest::newRow("episodes with a unit") << QStringList{"simulate", online, "--episodes", "1x"} << "--episodes";
        QTest::newRow("fractional seed") << QStringList{"simulate", online, "--episodes", "1", "--seed", "1.5"} << "--seed";
        QTest::newRow("hexadecimal") << QStringList{"compare-online", online, "--test-episodes", "0x10"} << "--test-episodes";
        QTest::newRow("time limit") << QStringList{"compare", QString::fromStdString(kClassroom), "--time-limit-ms", "5ms"}
                                    << "--time-limit-ms";
    }

    void malformedNumbersAreRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        std::vector<std::string> arguments;
        for (const QString& arg : args)
            arguments.push_back(arg.toStdString());
        const Run result = run(arguments);
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find(option.toStdString() + " must be") != std::string::npos, result.err.c_str());
    }
};

QTEST_APPLESS_MAIN(TestCliOptions)
#include "test_cli_options.moc"
