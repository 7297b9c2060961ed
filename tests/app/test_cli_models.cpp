// The coinfer command line for DNNs, GPU profiles and the online commands: outputs, exit
// statuses and messages (the planning commands are test_cli.cpp).
#include "app/cli/profile.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "tests/common/testdata.h"
#include "clitest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <fstream>
#include <map>
#include <set>
#include <string>

using namespace coinfer;
using namespace coinfer::testing; // run, parse, compareRows, writePlanFile, kClassroom

class TestCliModels : public QObject {
    Q_OBJECT

private slots:
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
        QVERIFY2(result.err.find("subtasks[0].blocks[0].layers[2].type: unknown layer type") != std::string::npos,
                 result.err.c_str());
        QCOMPARE(run({"dnn", "show", "alexnet"}).status, 2);
        QCOMPARE(run({"profile", "--dnn", "alexnet"}).status, 2);
        QCOMPARE(run({"profile", "--dnn", "resnet18", "--max-batch", "zero"}).status, 2);
    }

    /// `dnn import` writes a description that reads back as the one `dnn show MODEL.onnx`
    /// shows; bad models, options and shapes exit 2 naming what is wrong (docs/dnn-import.md).
    void importsAnOnnxModel()
    {
        const std::string model = COINFER_TEST_DATA "/onnx/resnet18.onnx";
#ifdef COINFER_ONNX
        QTemporaryDir dir;
        const std::string output = dir.path().toStdString() + "/resnet18.json";
        const Run import = run({"dnn", "import", model, "--output", output, "--name", "my-resnet"});
        QCOMPARE(import.status, 0);
        QVERIFY(import.out.empty());
        QVERIFY2(import.err.find("opset 13") != std::string::npos &&
                     import.err.find("12 sub-tasks, 1.814 GMACs") != std::string::npos,
                 import.err.c_str());
        const Expected<DnnDescription> written = loadDnn(output);
        QVERIFY2(written, written ? "" : written.error().message.c_str());
        QCOMPARE(written->name, std::string("my-resnet"));
        QCOMPARE(written->subtasks.size(), size_t(12));
        const Run show = run({"dnn", "show", model, "--format", "json"});
        QCOMPARE(show.status, 0);
        QCOMPARE(dnnSignature(*parseDnnDescription(show.out, "shown")), dnnSignature(*written));

        const Run printed = run({"dnn", "import", model, "--max-subtasks", "3", "--input-element-bytes", "4"});
        QCOMPARE(printed.status, 0);
        QCOMPARE(parse(printed.out)["subtasks"].toArray().size(), 3);
        QCOMPARE(parse(printed.out)["input"].toObject()["element_bytes"].toInt(), 4);
        const Run shaped = run({"dnn", "import", model, "--input-shape", "1x3x448x448"});
        QCOMPARE(shaped.status, 0);
        QCOMPARE(parse(shaped.out)["input"].toObject()["height"].toInt(), 448);

        QCOMPARE(run({"dnn", "import", model, "--input-element-bytes", "2"}).status, 2);
        QCOMPARE(run({"dnn", "import", model, "--max-subtasks", "0"}).status, 2);
        const Run badShape = run({"dnn", "import", model, "--input-shape", "1x3xbig"});
        QCOMPARE(badShape.status, 2);
        QVERIFY2(badShape.err.find("--input-shape") != std::string::npos, badShape.err.c_str());
        QCOMPARE(run({"dnn", "import"}).status, 2);

        const std::string notOnnx = dir.path().toStdString() + "/text.onnx";
        QVERIFY(writeFileAtomically(notOnnx, "hello"));
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"dnn", "import", notOnnx}, std::vector<std::string> {
                  "dnn",
                  "show",
                  notOnnx
              }}) {
            const Run bad = run(args);
            QCOMPARE(bad.status, 2);
            QVERIFY(bad.out.empty());
            QVERIFY2(bad.err.find(notOnnx + ": not an ONNX model") != std::string::npos, bad.err.c_str());
        }
        // An --output that names the model is refused, and the model is left as it was.
        QCOMPARE(run({"dnn", "import", notOnnx, "--output", notOnnx}).status, 2);
        QCOMPARE(*readTextFile(notOnnx), std::string("hello"));
#else
        const Run import = run({"dnn", "import", model});
        QCOMPARE(import.status, 2);
        QVERIFY2(import.err.find("built without ONNX support") != std::string::npos, import.err.c_str());
#endif
    }

    void profileWithoutAGpuSaysSo()
    {
        if (gpu::queryGpu().has_value())
            QSKIP("this machine has a GPU; the no-GPU path cannot be checked here");
        QTemporaryDir dir;
        const std::string output = (dir.path() + "/profile.json").toStdString();
        const Run result = run({"profile", "--dnn", "resnet18", "--max-batch", "4", "--output", output});
        QCOMPARE(result.status, 4);
        QVERIFY(result.out.empty());
        QVERIFY2(result.err.find("no usable GPU") != std::string::npos ||
                     result.err.find("built without CUDA") != std::string::npos,
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
        QVERIFY(writeFileAtomically(a, gpuProfileToJson(profile)).has_value());
        QVERIFY(writeFileAtomically(b, gpuProfileToJson(slower)).has_value());
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

    void aLosingTrainingSaysSoAndOffersTheFixedRule()
    {
        // One episode of training keeps a policy from the first episode: it loses to the best
        // fixed threshold, and train says so, naming a command that runs the fixed rule.
        QTemporaryDir dir;
        const std::string policy = (dir.path() + "/policy.json").toStdString();
        const Run trained = run({"train", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--seed", "7", "--output", policy});
        QCOMPARE(trained.status, 0);
        const size_t warning = trained.err.find("warning: Training did not beat a fixed rule");
        QVERIFY2(warning != std::string::npos, trained.err.c_str());
        const size_t command = trained.err.find("coinfer simulate ", warning);
        QVERIFY(command != std::string::npos);
        const std::string rule = trained.err.substr(trained.err.find("threshold:", command));
        const std::string threshold = rule.substr(0, rule.find_first_of(".\n", std::string("threshold:0.").size()));
        const Run fixed = run({"simulate", COINFER_EXAMPLES "/online.json", "--policy", threshold, "--episodes", "1"});
        QCOMPARE(fixed.status, 0);
    }

    void replaysARecordedTrace()
    {
        QTemporaryDir dir;
        const std::string good = (dir.path() + "/arrivals.csv").toStdString(), bad = (dir.path() + "/bad.csv").toStdString();
        std::ofstream(good) << "user,release_ms,deadline_ms\nana,0,100\nben,2.5,300\nana,40,90\n";
        std::ofstream(bad) << "user,release_ms,deadline_ms\nana,10,100\nben,2.5,300\n";
        const std::string online = COINFER_EXAMPLES "/online.json";
        const Run replay = run({"simulate", online, "--trace", good, "--format", "json"});
        QCOMPARE(replay.status, 0);
        QCOMPARE(parse(replay.out)["tasks"].toInt(), 3);
        QCOMPARE(parse(replay.out)["episodes"].toInt(), 1);
        // --record writes the first episode slot by slot, with the burst state of the shared chain.
        const std::string slotCsv = (dir.path() + "/slots.csv").toStdString();
        QCOMPARE(run({"simulate", COINFER_EXAMPLES "/online-bursty.json", "--policy", "threshold:0.3", "--episodes", "1",
                      "--record", slotCsv})
                     .status,
                 0);
        std::ifstream recorded(slotCsv);
        std::string line;
        std::getline(recorded, line);
        QCOMPARE(line, std::string("slot_ms,arrivals,pool,min_slack_share,threshold,dispatched,mmpp_state"));
        int rows = 0, dispatched = 0;
        std::set<std::string> states;
        while (std::getline(recorded, line)) {
            ++rows;
            QVERIFY2(line.find(",0.3000,") != std::string::npos, line.c_str());
            dispatched += line.find(",1,", line.find(",0.3000,")) != std::string::npos;
            states.insert(line.substr(line.rfind(',') + 1));
        }
        QCOMPARE(rows, 800); // 4000 ms of 5 ms slots
        QVERIFY(dispatched > 10);
        QVERIFY((states == std::set<std::string>{"0", "1"}));
        const Run unsorted = run({"simulate", online, "--trace", bad});
        QCOMPARE(unsorted.status, 2);
        QVERIFY2(unsorted.err.find("bad.csv: line 3, column 2 (release_ms): 2.5 is earlier than the line before") !=
                     std::string::npos,
                 unsorted.err.c_str());
    }

    void comparesOnlinePoliciesAsJson()
    {
        const Run compared = run(
            {"compare-online", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--test-episodes", "1", "--format", "json"});
        QCOMPARE(compared.status, 0);
        const QJsonArray rows = QJsonDocument::fromJson(QByteArray::fromStdString(compared.out)).array();
        QCOMPARE(rows.size(), 9);
        std::map<std::string, int> policies;
        for (const QJsonValue& value : rows) {
            const QJsonObject row = value.toObject();
            const std::string policy = row["policy"].toString().toStdString();
            ++policies[policy];
            for (const char* key : {"energy_per_task_mj", "misses", "mean_batch", "gpu_busy", "saving_percent"})
                QVERIFY2(row[key].isDouble(), key);
            QVERIFY(row["gpu_busy"].toDouble() >= 0 && row["gpu_busy"].toDouble() <= 1);
            if (policy == "local") {
                QVERIFY(row["planner"].isNull());
                QCOMPARE(row["saving_percent"].toDouble(), 0.0);
            } else {
                QVERIFY(row["planner"].toString() == "og" || row["planner"].toString() == "ip-ssa");
                QVERIFY(row["energy_per_task_mj"].toDouble() < rows.last().toObject()["energy_per_task_mj"].toDouble());
            }
            QCOMPARE(row.contains("threshold"), policy == "threshold-best");
            QCOMPARE(row.contains("period_ms"), policy == "periodic-best");
            if (policy == "threshold-best")
                QVERIFY(row["threshold"].toDouble() >= 0 && row["threshold"].toDouble() <= 1);
        }
        QVERIFY((policies == std::map<std::string, int>{
                                 {"ddpg", 2}, {"threshold-best", 2}, {"periodic-best", 2}, {"immediate", 2}, {"local", 1}}));
        QCOMPARE(run({"compare-online", COINFER_EXAMPLES "/online.json", "--format", "xml"}).status, 2);
    }

    void trainsWithChosenLayerSizes()
    {
        QTemporaryDir dir;
        const std::string policy = (dir.path() + "/policy.json").toStdString();
        const Run trained =
            run({"train", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--hidden", "24,8", "--output", policy});
        QCOMPARE(trained.status, 0);
        QFile file(QString::fromStdString(policy));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray layers = QJsonDocument::fromJson(file.readAll()).object()["actor"].toArray();
        QCOMPARE(layers.size(), 3);
        QCOMPARE(layers[0].toObject()["outputs"].toInt(), 24);
        QCOMPARE(layers[1].toObject()["inputs"].toInt(), 24);
        QCOMPARE(layers[1].toObject()["outputs"].toInt(), 8);
        QCOMPARE(layers[2].toObject()["outputs"].toInt(), 1);
        QCOMPARE(run({"simulate", COINFER_EXAMPLES "/online.json", "--policy", "ddpg:" + policy, "--episodes", "1"}).status, 0);
        for (const char* hidden : {"0", "32,", "1.5", "a", "1,2,3,4,5", "5000"}) {
            const Run refused = run({"train", COINFER_EXAMPLES "/online.json", "--hidden", hidden, "--output", policy});
            QCOMPARE(refused.status, 2);
            QVERIFY2(refused.err.find("--hidden must be") != std::string::npos, refused.err.c_str());
        }
    }

    // Command-line parsing bugs, each test failing on the hand-written parser CLI11 replaced.
};

QTEST_APPLESS_MAIN(TestCliModels)
#include "test_cli_models.moc"
