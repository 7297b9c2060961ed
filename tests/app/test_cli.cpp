// The coinfer command line: outputs, exit statuses and messages that users and scripts rely on.
#include "app/cli.h"
#include "core/fileio.h"
#include "core/gpuprofile.h"
#include "gpu/profiler.h"
#include "tests/common/testdata.h"

#include <QtTest>

#include <sstream>

using namespace coinfer;

namespace {

struct Run {
    int status;
    std::string out, err;
};

Run run(std::vector<std::string> args)
{
    std::ostringstream out, err;
    const int status = runCli(args, out, err);
    return {status, out.str(), err.str()};
}

const std::string kClassroom = COINFER_EXAMPLES "/classroom.json";

QJsonObject parse(const std::string& text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private slots:
    void plansTheClassroomExampleAsJson()
    {
        const Run result = run({"plan", kClassroom, "--algorithm", "og"});
        QCOMPARE(result.status, 0);
        QVERIFY(result.err.empty());
        const QJsonObject plan = parse(result.out);
        QCOMPARE(plan["format"].toString(), QString("coinfer-plan"));
        QCOMPARE(plan["algorithm"].toString(), QString("og"));
        QVERIFY(plan["feasible"].toBool());
        QCOMPARE(plan["users"].toArray().size(), 8);
        QVERIFY(plan["saving_percent"].toDouble() > 0);
    }

    void printsATable()
    {
        const Run result = run({"plan", kClassroom, "--format", "table"});
        QCOMPARE(result.status, 0);
        QVERIFY(result.out.find("partition") != std::string::npos);
        QVERIFY(result.out.find("hana") != std::string::npos);
        QVERIFY(result.out.find("saved") != std::string::npos);
    }

    void writesAndVerifiesAPlanFile()
    {
        QTemporaryDir dir;
        const std::string planPath = (dir.path() + "/plan.json").toStdString();
        const Run planned = run({"plan", kClassroom, "--algorithm", "ip-ssa", "--output", planPath});
        QCOMPARE(planned.status, 0);
        QVERIFY(planned.out.empty());
        const Run verified = run({"verify", kClassroom, planPath});
        QCOMPARE(verified.status, 0);
        QVERIFY(verified.out.rfind("feasible", 0) == 0);

        // Move a batch earlier than its members' data can arrive: verify names the constraint.
        QFile file(QString::fromStdString(planPath));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject plan = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        QJsonArray batches = plan["batches"].toArray();
        QJsonObject first = batches[0].toObject();
        first["start_ms"] = 0.0;
        batches[0] = first;
        plan["batches"] = batches;
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QJsonDocument(plan).toJson());
        file.close();
        const Run tampered = run({"verify", kClassroom, planPath});
        QCOMPARE(tampered.status, 1);
        QVERIFY2(tampered.out.find("before user") != std::string::npos, tampered.out.c_str());
    }

    void badInputExitsTwoAndWritesNothing()
    {
        QTemporaryDir dir;
        const QString output = dir.path() + "/plan.json";
        QFile existing(output);
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("previous plan");
        existing.close();
        const Run result = run({"plan", COINFER_TEST_DATA "/bad/negative-latency.json", "--output", output.toStdString()});
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find("negative-latency.json: users[1].local_latency_ms[2]: must be at least 0") != std::string::npos,
                 result.err.c_str());
        QVERIFY(existing.open(QIODevice::ReadOnly));
        QCOMPARE(existing.readAll(), QByteArray("previous plan"));
    }

    void badCommandLinesExitTwo()
    {
        QCOMPARE(run({}).status, 2);
        QCOMPARE(run({"frobnicate"}).status, 2);
        QCOMPARE(run({"plan"}).status, 2);
        const Run unknown = run({"plan", kClassroom, "--algorithm", "magic"});
        QCOMPARE(unknown.status, 2);
        QVERIFY(unknown.err.find("unknown algorithm 'magic'") != std::string::npos);
        QVERIFY(unknown.out.empty());
        QCOMPARE(run({"plan", kClassroom, "--colour", "red"}).status, 2);
        QCOMPARE(run({"plan", kClassroom, "--format", "xml"}).status, 2);
        QCOMPARE(run({"verify", kClassroom}).status, 2);
        QCOMPARE(run({"plan", "/nonexistent.json"}).status, 2);
    }

    void infeasibleScenarioExitsThreeNamingUsers()
    {
        QTemporaryDir dir;
        QFile in(COINFER_TEST_DATA "/good/three-users.json");
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject scenario = QJsonDocument::fromJson(in.readAll()).object();
        QJsonArray users = scenario["users"].toArray();
        QJsonObject u2 = users[1].toObject();
        u2["deadline_ms"] = 3.0; // neither 52 ms locally nor an upload of 30 ms can make it
        users[1] = u2;
        scenario["users"] = users;
        const QString path = dir.path() + "/impossible.json";
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(scenario).toJson());
        out.close();
        const Run result = run({"plan", path.toStdString(), "--algorithm", "ip-ssa"});
        QCOMPARE(result.status, 3);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find("cannot meet their deadline even alone: u2") != std::string::npos, result.err.c_str());
    }

    void plannerThatMissesDeadlinesExitsThree()
    {
        // In the classroom, serving every sub-task copy on its own misses the AR deadlines.
        const Run result = run({"plan", kClassroom, "--algorithm", "no-batching"});
        QCOMPARE(result.status, 3);
        QVERIFY(!parse(result.out)["feasible"].toBool());
        QVERIFY2(result.err.find("late:") != std::string::npos, result.err.c_str());
    }

    void exactRefusesLargeScenarios()
    {
        const Run result = run({"plan", COINFER_EXAMPLES "/campus.json", "--algorithm", "exact"});
        QCOMPARE(result.status, 2);
        QVERIFY(result.err.find("at most 8 users") != std::string::npos);
    }

    void compareListsEveryAlgorithm()
    {
        const Run result = run({"compare", kClassroom});
        QCOMPARE(result.status, 0);
        for (const char* name : {"local", "full-offload", "no-batching", "ip-ssa", "og", "exact"})
            QVERIFY2(result.out.find(name) != std::string::npos, name);
    }

    void expandWritesTheTableForm()
    {
        const Run result = run({"expand", COINFER_EXAMPLES "/campus.json"});
        QCOMPARE(result.status, 0);
        const QJsonObject scenario = parse(result.out);
        QCOMPARE(scenario["users"].toArray().size(), 200);
        QVERIFY(scenario["users"].toArray()[0].toObject().contains("local_latency_ms"));
    }

    void showsABuiltinDnn()
    {
        const Run list = run({"dnn", "list"});
        QCOMPARE(list.status, 0);
        QVERIFY(list.out.find("mobilenetv2: 20 sub-tasks") != std::string::npos);
        const Run show = run({"dnn", "show", "resnet18"});
        QCOMPARE(show.status, 0);
        QVERIFY(show.out.find("basic block 512/2") != std::string::npos);
        QVERIFY(show.out.find("11689512 parameters") != std::string::npos);
        const Run json = run({"dnn", "show", "vgg16", "--format", "json"});
        QCOMPARE(json.status, 0);
        QCOMPARE(parse(json.out)["format"].toString(), QString("coinfer-dnn"));
    }

    void badDnnDescriptionExitsTwo()
    {
        const Run result = run({"dnn", "show", COINFER_TEST_DATA "/bad-dnn/unknown-layer.json"});
        QCOMPARE(result.status, 2);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find("subtasks[0].blocks[0].layers[2].type: unknown layer type") != std::string::npos, result.err.c_str());
        QCOMPARE(run({"dnn", "show", "alexnet"}).status, 2);
        QCOMPARE(run({"profile", "--dnn", "alexnet"}).status, 2);
        QCOMPARE(run({"profile", "--dnn", "resnet18", "--max-batch", "zero"}).status, 2);
    }

    void profileWithoutAGpuSaysSo()
    {
        if (gpu::queryGpu().hasValue())
            QSKIP("this machine has a GPU; the no-GPU path cannot be checked here");
        QTemporaryDir dir;
        const std::string output = (dir.path() + "/profile.json").toStdString();
        const Run result = run({"profile", "--dnn", "resnet18", "--max-batch", "4", "--output", output});
        QCOMPARE(result.status, 4);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find("no usable GPU") != std::string::npos || result.err.find("built without CUDA") != std::string::npos,
                 result.err.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(output)));
        QCOMPARE(run({"profile", "check"}).status, 4);
    }

    void refusesAnUnknownLaunchMode()
    {
        const Run result = run({"profile", "--dnn", "resnet18", "--launch", "lazy"});
        QCOMPARE(result.status, 2);
        QVERIFY2(result.err.find("--launch must be graph or eager") != std::string::npos, result.err.c_str());
    }

    void showsAndComparesProfiles()
    {
        // Synthetic profiles made here (named as such), to check the printing and comparison only.
        const DnnDescription dnn = *builtinDnn("resnet18");
        const GpuProfile profile = testing::syntheticProfile(dnn, {1.0, 2.0});
        GpuProfile slower = profile;
        slower.subtasks[4].medianMs[1] = 2.2;
        QTemporaryDir dir;
        const std::string a = (dir.path() + "/a.json").toStdString(), b = (dir.path() + "/b.json").toStdString();
        QVERIFY(writeFileAtomically(a, gpuProfileToJson(profile)).hasValue());
        QVERIFY(writeFileAtomically(b, gpuProfileToJson(slower)).hasValue());
        const Run show = run({"profile", "show", a});
        QCOMPARE(show.status, 0);
        QVERIFY(show.out.find("synthetic test profile") != std::string::npos);
        const Run diff = run({"profile", "diff", a, b});
        QCOMPARE(diff.status, 0);
        // |2.0 - 2.2| / 2.1 = 9.52%, in one of 20 pairs.
        QVERIFY2(diff.out.find("largest 9.52%") != std::string::npos, diff.out.c_str());
        QCOMPARE(run({"profile", "diff", a, COINFER_TEST_DATA "/good/three-users.json"}).status, 2);
    }

    void simulatesOnlinePolicies()
    {
        const std::string online = COINFER_EXAMPLES "/online.json";
        const Run immediate = run({"simulate", online, "--policy", "immediate", "--episodes", "1", "--format", "json"});
        QCOMPARE(immediate.status, 0);
        const QJsonObject result = parse(immediate.out);
        QCOMPARE(result["format"].toString(), QString("coinfer-online-result"));
        QVERIFY(result["tasks"].toInt() > 100);
        QCOMPARE(result["deadline_misses"].toInt(), 0);
        const Run threshold = run({"simulate", online, "--policy", "threshold:0.3", "--episodes", "1", "--format", "json"});
        QVERIFY(parse(threshold.out)["energy_per_task_mj"].toDouble() < result["energy_per_task_mj"].toDouble());
        QCOMPARE(run({"simulate", online, "--policy", "threshold:1.5"}).status, 2);
        QCOMPARE(run({"simulate", online, "--policy", "sometimes"}).status, 2);
        QCOMPARE(run({"simulate", online, "--planner", "magic"}).status, 2);
        const Run offline = run({"simulate", kClassroom});
        QCOMPARE(offline.status, 2);
        QVERIFY(offline.err.find("online: is missing") != std::string::npos);
    }

    void trainsAndReplaysAPolicy()
    {
        QTemporaryDir dir;
        const std::string policy = (dir.path() + "/policy.json").toStdString();
        const Run trained = run({"train", COINFER_EXAMPLES "/online.json", "--episodes", "2", "--seed", "3", "--output", policy});
        QCOMPARE(trained.status, 0);
        QVERIFY(trained.err.find("episode   2/2") != std::string::npos);
        QVERIFY(trained.err.find("steps/s") != std::string::npos);
        const Run replay = run({"simulate", COINFER_EXAMPLES "/online.json", "--policy", "ddpg:" + policy, "--episodes", "1"});
        QCOMPARE(replay.status, 0);
        QVERIFY(replay.out.find("ddpg:") != std::string::npos);
        const Run missing = run({"simulate", COINFER_EXAMPLES "/online.json", "--policy", "ddpg:/nonexistent.json"});
        QCOMPARE(missing.status, 2);
        QCOMPARE(run({"train", COINFER_EXAMPLES "/online.json"}).status, 2); // no --output
    }

    void helpAndVersion()
    {
        QCOMPARE(run({"--help"}).status, 0);
        QVERIFY(run({"--help"}).out.find("coinfer plan") != std::string::npos);
        QCOMPARE(run({"--version"}).status, 0);
        QVERIFY(run({"--version"}).out.rfind("coinfer ", 0) == 0);
    }
};

QTEST_APPLESS_MAIN(TestCli)
#include "test_cli.moc"
