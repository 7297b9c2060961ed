// The coinfer command line: outputs, exit statuses and messages that users and scripts rely on.
#include "app/cli.h"
#include "app/cli/profile.h"
#include "core/io/fileio.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/planio.h"
#include "core/planning/planner.h"
#include "core/io/scenarioio.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"
#include "gpu/profiler.h"
#include "tests/common/testdata.h"
#include "clitest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <fstream>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

using namespace coinfer;
using namespace coinfer::testing; // run, parse, compareRows, writePlanFile, kClassroom

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
        QVERIFY2(result.out.find("algorithm best: every deadline met") != std::string::npos, result.out.c_str());
        QVERIFY2(result.out.find("proven optimal (lower bound 88.828 mJ); search: completed") != std::string::npos,
                 result.out.c_str());
        const Run og = run({"plan", kClassroom, "--algorithm", "ip-ssa", "--format", "table"});
        QVERIFY2(og.out.find("lower bound 88.828 mJ (gap 34.67%)") != std::string::npos, og.out.c_str());
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

    void exactStopsAtItsTimeLimit()
    {
        // 30 users, 6 sub-tasks, batches of at most 4: the branch and bound would run for hours.
        QElapsedTimer timer;
        timer.start();
        const Run result =
            run({"plan", COINFER_TEST_DATA "/good/exact-hard.json", "--algorithm", "exact", "--time-limit-ms", "300"});
        const qint64 elapsedMs = timer.elapsed();
        QCOMPARE(result.status, 0);
        // The seeding stage and the branch and bound each stop at the limit; allow slow machines.
        QVERIFY2(elapsedMs < 5000, std::to_string(elapsedMs).c_str());
        const QJsonObject plan = parse(result.out);
        QCOMPARE(plan["algorithm"].toString(), QString("exact"));
        QVERIFY(plan["feasible"].toBool());
        QVERIFY(plan["proven_optimal"].isBool());
        QVERIFY(!plan["proven_optimal"].toBool());
        QCOMPARE(plan["search_end"].toString(), QString("time limit reached"));
        const double total = plan["total_energy_mj"].toDouble(), bound = plan["lower_bound_mj"].toDouble();
        QVERIFY(plan["lower_bound_mj"].isDouble());
        QVERIFY2(bound > 0 && bound < total, result.err.c_str());
        QVERIFY(plan["gap_percent"].toDouble() > 0);
        QVERIFY2(result.err.find("coinfer plan: exact: ") != std::string::npos, result.err.c_str());
        QVERIFY2(result.err.find("time limit reached; not proven optimal") != std::string::npos, result.err.c_str());
        QVERIFY2(result.err.find("lower bound") != std::string::npos, result.err.c_str());
        // The plan the stopped search returns is a real one: the simulator re-times it as feasible.
        QTemporaryDir dir;
        const Run verified = run({"verify", COINFER_TEST_DATA "/good/exact-hard.json", writePlanFile(dir, plan)});
        QCOMPARE(verified.status, 0);
    }

    void defaultAlgorithmIsBest()
    {
        const Run result = run({"plan", kClassroom});
        QCOMPARE(result.status, 0);
        const QJsonObject plan = parse(result.out);
        QCOMPARE(plan["algorithm"].toString(), QString("best"));
        QVERIFY(plan["feasible"].toBool());
        // The classroom is small: best's branch and bound finishes and proves its plan.
        QVERIFY(plan["proven_optimal"].toBool());
        QCOMPARE(plan["search_end"].toString(), QString("completed"));
        QVERIFY2(result.err.find("coinfer plan: best: ") != std::string::npos, result.err.c_str());
        QVERIFY2(result.err.find("completed; proven optimal") != std::string::npos, result.err.c_str());
    }

    void bestIsNeverAboveAnyOtherPlanner()
    {
        const Run best = run({"plan", kClassroom, "--algorithm", "best"});
        QCOMPARE(best.status, 0);
        const double bestMj = parse(best.out)["total_energy_mj"].toDouble();
        QVERIFY(parse(best.out)["feasible"].toBool());
        const Run compared = run({"compare", kClassroom});
        QCOMPARE(compared.status, 0);
        const auto rows = compareRows(compared.out);
        QCOMPARE(rows.size(), size_t(7));
        int feasibleOthers = 0;
        for (const auto& [name, row] : rows) {
            if (row.at("feasible") != "yes")
                continue;
            const double energyMj = std::stod(row.at("energy_mJ"));
            // compare prints 3 decimals.
            QVERIFY2(bestMj <= energyMj + 0.0005, (name + " " + row.at("energy_mJ")).c_str());
            if (name != "best")
                ++feasibleOthers;
        }
        QVERIFY(feasibleOthers >= 3); // local, ip-ssa, og at least
        QCOMPARE(rows.at("best").at("feasible"), std::string("yes"));
    }

    void planFileCarriesTheLowerBoundAndGap()
    {
        const Run result = run({"plan", COINFER_EXAMPLES "/classroom.json", "--algorithm", "ip-ssa"});
        QCOMPARE(result.status, 0);
        const QJsonObject plan = parse(result.out);
        QVERIFY(plan["lower_bound_mj"].isDouble());
        QVERIFY(plan["gap_percent"].isDouble());
        const double total = plan["total_energy_mj"].toDouble(), bound = plan["lower_bound_mj"].toDouble();
        QVERIFY(bound > 0 && bound <= total);
        QVERIFY(std::fabs(plan["gap_percent"].toDouble() - 100 * (total - bound) / bound) < 1e-9);
        QVERIFY(plan["gap_percent"].toDouble() > 1); // ip-ssa is 35% above the classroom's optimum
        // A planner that does not search says nothing about a search.
        QVERIFY(!plan.contains("proven_optimal"));
        QVERIFY(!plan.contains("search_end"));

        const Run best = run({"plan", kClassroom});
        const QJsonObject bestPlan = parse(best.out);
        QVERIFY(bestPlan["lower_bound_mj"].toDouble() <= bestPlan["total_energy_mj"].toDouble());
        QVERIFY(bestPlan["lower_bound_mj"].toDouble() > 0);
        QVERIFY(std::fabs(bestPlan["gap_percent"].toDouble()) < 1e-9);
    }

    void planFileRoundTripKeepsTheSearchFields()
    {
        const Scenario scenario = *readScenario(COINFER_TEST_DATA "/good/three-users.json");
        const CostModel model(scenario);
        Plan plan = *makePlan(scenario, model, Algorithm::Exact);
        QVERIFY(plan.feasible);
        QVERIFY(std::isfinite(plan.lowerBoundMj));
        // Values no planner would give, so that a reader which drops them fails here.
        plan.lowerBoundMj = plan.totalEnergyMj * 0.75;
        plan.provenOptimal = false;
        plan.searchEnd = "time limit reached";
        const Expected<Plan> read = parsePlan(planToJson(scenario, plan), "round-trip.json", scenario);
        QVERIFY(read.has_value());
        QCOMPARE(read->lowerBoundMj, plan.lowerBoundMj);
        QCOMPARE(read->provenOptimal, false);
        QCOMPARE(read->searchEnd, std::string("time limit reached"));
        plan.provenOptimal = true;
        QCOMPARE(parsePlan(planToJson(scenario, plan), "round-trip.json", scenario)->provenOptimal, true);
        // Without a bound, nothing is written and nothing is made up on reading.
        plan.lowerBoundMj = NAN;
        plan.searchEnd.clear();
        const std::string text = planToJson(scenario, plan);
        QVERIFY(text.find("lower_bound_mj") == std::string::npos);
        QVERIFY(text.find("gap_percent") == std::string::npos);
        QVERIFY(text.find("proven_optimal") == std::string::npos);
        QVERIFY(std::isnan(parsePlan(text, "round-trip.json", scenario)->lowerBoundMj));
    }

    void verifyChecksTheOptionalBoundFields()
    {
        QTemporaryDir dir;
        const Run planned = run({"plan", kClassroom, "--algorithm", "og"});
        QCOMPARE(planned.status, 0);
        const QJsonObject plan = parse(planned.out);
        QVERIFY(plan.contains("lower_bound_mj"));

        // A plan file of the minimal form (docs/formats.md#plan), without the optional fields, is still read.
        QJsonObject plain = plan;
        plain.remove("lower_bound_mj");
        plain.remove("gap_percent");
        const Run withoutBound = run({"verify", kClassroom, writePlanFile(dir, plain)});
        QCOMPARE(withoutBound.status, 0);
        QVERIFY(withoutBound.err.empty());

        QJsonObject negative = plan;
        negative["lower_bound_mj"] = -1.0;
        const Run refused = run({"verify", kClassroom, writePlanFile(dir, negative)});
        QCOMPARE(refused.status, 2);
        QVERIFY2(refused.err.find("edited-plan.json: lower_bound_mj: must be at least 0") != std::string::npos,
                 refused.err.c_str());

        QJsonObject text = plan;
        text["lower_bound_mj"] = "low";
        const Run wrongType = run({"verify", kClassroom, writePlanFile(dir, text)});
        QCOMPARE(wrongType.status, 2);
        QVERIFY2(wrongType.err.find("lower_bound_mj: must be a number") != std::string::npos, wrongType.err.c_str());

        QJsonObject proven = plan;
        proven["proven_optimal"] = "yes";
        const Run notBoolean = run({"verify", kClassroom, writePlanFile(dir, proven)});
        QCOMPARE(notBoolean.status, 2);
        QVERIFY2(notBoolean.err.find("proven_optimal: must be true or false") != std::string::npos, notBoolean.err.c_str());

        // A bound above the plan's own energy is wrong, but the file's bound is not verify's to
        // prove: it warns and the plan still verifies.
        QJsonObject tooHigh = plan;
        tooHigh["lower_bound_mj"] = plan["total_energy_mj"].toDouble() + 10;
        const Run warned = run({"verify", kClassroom, writePlanFile(dir, tooHigh)});
        QCOMPARE(warned.status, 0);
        QVERIFY(warned.out.rfind("feasible", 0) == 0);
        QVERIFY2(warned.err.find("warning") != std::string::npos &&
                     warned.err.find("not a valid lower bound") != std::string::npos,
                 warned.err.c_str());
    }

    void badTimeLimitsExitTwo()
    {
        for (const char* value : {"abc", "-5", "0", "nan", "inf", "12ms", "", " 5", "0x10"}) {
            const Run result = run({"plan", kClassroom, "--algorithm", "exact", "--time-limit-ms", value});
            QVERIFY2(result.status == 2, value);
            QVERIFY(result.out.empty());
            QVERIFY2(result.err.find("--time-limit-ms must be a positive number") != std::string::npos, result.err.c_str());
        }
        const Run missing = run({"plan", kClassroom, "--time-limit-ms"});
        QCOMPARE(missing.status, 2);
        QVERIFY2(missing.err.find("--time-limit-ms needs a value") != std::string::npos, missing.err.c_str());
        QVERIFY(missing.out.empty());
        // A limit that a planner would ignore is refused rather than silently dropped.
        const Run notSearch = run({"plan", kClassroom, "--algorithm", "local", "--time-limit-ms", "100"});
        QCOMPARE(notSearch.status, 2);
        QVERIFY2(notSearch.err.find("--time-limit-ms applies to best, exact, og and ip-ssa only, not to local") !=
                     std::string::npos,
                 notSearch.err.c_str());
        QCOMPARE(run({"compare", kClassroom, "--time-limit-ms", "abc"}).status, 2);
        // A valid limit is accepted by both searching planners and by compare.
        QCOMPARE(run({"plan", kClassroom, "--algorithm", "best", "--time-limit-ms", "250.5"}).status, 0);
        QCOMPARE(run({"plan", kClassroom, "--time-limit-ms=500"}).status, 0);
    }

    void compareShowsBoundsAndGaps()
    {
        const Run result = run({"compare", COINFER_TEST_DATA "/good/exact-hard.json", "--time-limit-ms", "200"});
        QCOMPARE(result.status, 0);
        const std::string header = result.out.substr(0, result.out.find('\n'));
        // The columns of before keep their order; the new ones follow.
        for (const char* column : {"algorithm", "energy_mJ", "saving_%", "batches", "feasible", "time_ms", "bound_mJ", "gap_%"})
            QVERIFY2(header.find(column) != std::string::npos, column);
        QVERIFY(header.find("feasible") < header.find("time_ms") && header.find("time_ms") < header.find("bound_mJ") &&
                header.find("bound_mJ") < header.find("gap_%"));
        const auto rows = compareRows(result.out);
        QCOMPARE(rows.size(), size_t(7));
        double strongestMj = 0;
        for (const auto& [name, row] : rows)
            strongestMj = std::max(strongestMj, std::stod(row.at("bound_mJ")));
        for (const auto& [name, row] : rows) {
            if (row.at("feasible") != "yes") {
                QCOMPARE(row.at("gap_%"), std::string("-"));
                continue;
            }
            const double energyMj = std::stod(row.at("energy_mJ"));
            const double expected = 100 * (energyMj - strongestMj) / strongestMj;
            QVERIFY2(std::fabs(std::stod(row.at("gap_%")) - expected) < 0.01, (name + ": " + row.at("gap_%")).c_str());
        }
        QVERIFY(std::stod(rows.at("best").at("gap_%")) <= std::stod(rows.at("og").at("gap_%")));
        // The recommendation is the feasible row of least energy (best on a tie).
        std::string cheapest;
        for (const auto& [name, row] : rows)
            if (row.at("feasible") == "yes" &&
                (cheapest.empty() || std::stod(row.at("energy_mJ")) < std::stod(rows.at(cheapest).at("energy_mJ")) ||
                 (name == "best" && row.at("energy_mJ") == rows.at(cheapest).at("energy_mJ"))))
                cheapest = name;
        QVERIFY2(result.out.find("recommended: " + cheapest + "\n") != std::string::npos, result.out.c_str());
        QVERIFY2(result.out.find("exact: time limit reached; not proven optimal") != std::string::npos, result.out.c_str());
    }

    void compareListsEveryAlgorithm()
    {
        const Run result = run({"compare", kClassroom});
        QCOMPARE(result.status, 0);
        const auto rows = compareRows(result.out);
        for (const char* name : {"local", "full-offload", "no-batching", "ip-ssa", "og", "best", "exact"})
            QVERIFY2(rows.count(name) == 1, name);
    }

    void expandWritesTheTableForm()
    {
        const Run result = run({"expand", COINFER_EXAMPLES "/campus.json"});
        QCOMPARE(result.status, 0);
        const QJsonObject scenario = parse(result.out);
        QCOMPARE(scenario["users"].toArray().size(), 200);
        QVERIFY(scenario["users"].toArray()[0].toObject().contains("local_latency_ms"));
    }

    void aMisspelledDnnFieldIsWarnedAbout()
    {
        // Before, a layer's "strides" (for "stride") was ignored without a word.
        QFile source(COINFER_TEST_DATA "/good/small-dnn.json");
        QVERIFY(source.open(QIODevice::ReadOnly));
        QJsonObject dnn = QJsonDocument::fromJson(source.readAll()).object();
        QJsonArray subtasks = dnn["subtasks"].toArray();
        QJsonObject subtask = subtasks[0].toObject();
        QJsonArray blocks = subtask["blocks"].toArray();
        QJsonObject block = blocks[0].toObject();
        QJsonArray layers = block["layers"].toArray();
        QJsonObject layer = layers[0].toObject();
        layer["strides"] = 2;
        layers[0] = layer;
        block["layers"] = layers;
        blocks[0] = block;
        subtask["blocks"] = blocks;
        subtasks[0] = subtask;
        dnn["subtasks"] = subtasks;
        QTemporaryDir dir;
        const QString path = dir.path() + "/typo.json";
        QFile target(path);
        QVERIFY(target.open(QIODevice::WriteOnly));
        target.write(QJsonDocument(dnn).toJson());
        target.close();
        const Run result = run({"dnn", "show", path.toStdString()});
        QCOMPARE(result.status, 0);
        QVERIFY2(result.err.find("warning: " + path.toStdString() +
                                 ": subtasks[0].blocks[0].layers[0].strides: unknown field, ignored") != std::string::npos,
                 result.err.c_str());
    }

    void anOutputThatIsAnInputIsRefused()
    {
        // Before, plan --output equal to the scenario replaced the scenario with the plan.
        QTemporaryDir dir;
        const QString scenario = dir.path() + "/classroom.json";
        QVERIFY(QFile::copy(QString::fromStdString(kClassroom), scenario));
        const QByteArray before = [&] {
            QFile f(scenario);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        for (const QString& output : {scenario, dir.path() + "/./classroom.json"}) {
            const Run result = run({"plan", scenario.toStdString(), "--output", output.toStdString()});
            QCOMPARE(result.status, 2);
            QVERIFY2(result.err.find("is the input file") != std::string::npos, result.err.c_str());
        }
        QFile after(scenario);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before);
    }

    void aPolicyForAnotherPlannerIsRefusedAndAnotherScenarioWarned()
    {
        QTemporaryDir dir;
        const std::string policy = (dir.path() + "/og.json").toStdString();
        QCOMPARE(run({"train", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--planner", "og", "--output", policy}).status,
                 0);
        const Run other = run({"simulate", COINFER_EXAMPLES "/online.json", "--policy", "ddpg:" + policy, "--planner", "ip-ssa"});
        QCOMPARE(other.status, 2);
        QVERIFY2(other.err.find("trained to dispatch for og, not for --planner ip-ssa") != std::string::npos, other.err.c_str());
        // The same scenario under another name: used, with a warning that names both.
        QFile source(COINFER_EXAMPLES "/online.json");
        QVERIFY(source.open(QIODevice::ReadOnly));
        QJsonObject scenario = QJsonDocument::fromJson(source.readAll()).object();
        const std::string trainedOn = scenario["name"].toString().toStdString();
        scenario["name"] = "renamed";
        const QString renamed = dir.path() + "/renamed.json";
        QFile target(renamed);
        QVERIFY(target.open(QIODevice::WriteOnly));
        target.write(QJsonDocument(scenario).toJson());
        target.close();
        const Run warned = run({"simulate", renamed.toStdString(), "--policy", "ddpg:" + policy, "--episodes", "1"});
        QCOMPARE(warned.status, 0);
        QVERIFY2(warned.err.find("was trained on scenario '" + trainedOn + "', not on 'renamed'") != std::string::npos,
                 warned.err.c_str());
    }

    void simulateJsonIsValidWhateverThePolicyText()
    {
        // Before, the policy text was pasted into the JSON unescaped.
        QTemporaryDir dir;
        const std::string policy = (dir.path() + "/a \"quoted\" \\ policy.json").toStdString();
        QCOMPARE(run({"train", COINFER_EXAMPLES "/online.json", "--episodes", "1", "--output", policy}).status, 0);
        const Run result = run(
            {"simulate", COINFER_EXAMPLES "/online.json", "--policy", "ddpg:" + policy, "--episodes", "1", "--format", "json"});
        QCOMPARE(result.status, 0);
        QCOMPARE(std::count(result.out.begin(), result.out.end(), '\n'), 1L);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(result.out), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, result.out.c_str());
        QCOMPARE(json["policy"].toString().toStdString(), "ddpg:" + policy);
        QCOMPARE(json["format"].toString(), QString("coinfer-online-result"));
        QCOMPARE(json["version"].toInt(), 1);
        QCOMPARE(json["planner"].toString(), QString("og"));
        QCOMPARE(json["episodes"].toInt(), 1);
        for (const char* key :
             {"tasks", "energy_per_task_mj", "deadline_misses", "mean_batch_size", "gpu_utilisation", "saving_percent"})
            QVERIFY2(json[key].isDouble(), key);
        QCOMPARE(json.keys().size(), 11);
    }

    // coinfer sweep.

    void sweepRowsAreThePlansOfCoinferPlan()
    {
        // The classroom's own point (deadline_scale 1) against `coinfer plan` of each planner.
        const Run sweep = run({"sweep", kClassroom, "--vary", "deadline_scale=0.5,1", "--algorithms", "og,best,no-batching"});
        QVERIFY2(sweep.status == 0, sweep.err.c_str());
        std::istringstream lines(sweep.out);
        std::string line;
        std::getline(lines, line);
        QCOMPARE(line, std::string("parameter,value,repeat,algorithm,energy_mj,local_energy_mj,saving_percent,feasible,batches,"
                                   "lower_bound_mj,gap_percent,time_ms"));
        int checked = 0;
        while (std::getline(lines, line)) {
            std::vector<std::string> cells;
            std::istringstream fields(line);
            for (std::string cell; std::getline(fields, cell, ',');)
                cells.push_back(cell);
            QCOMPARE(cells.size(), size_t(12));
            if (cells[1] != "1")
                continue;
            const Run plan = run({"plan", kClassroom, "--algorithm", cells[3]});
            const QJsonObject json = parse(plan.out);
            QCOMPARE(std::stod(cells[4]), json["total_energy_mj"].toDouble());
            QCOMPARE(std::stod(cells[5]), json["local_energy_mj"].toDouble());
            QCOMPARE(cells[7], std::string(json["feasible"].toBool() ? "true" : "false"));
            QCOMPARE(std::stoi(cells[8]), json["batches"].toArray().size());
            QCOMPARE(std::stod(cells[9]), json["lower_bound_mj"].toDouble());
            ++checked;
        }
        QCOMPARE(checked, 3);
    }

    void sweepShardsMergeToTheWholeRun()
    {
        QTemporaryDir dir;
        const std::string campus = COINFER_EXAMPLES "/campus.json";
        const std::vector<std::string> common = {"sweep",     campus, "--vary",       "max_batch=8,64",
                                                 "--repeats", "2",    "--algorithms", "local,ip-ssa,og"};
        std::vector<std::string> whole = common;
        whole.insert(whole.end(), {"--jobs", "2"});
        const Run all = run(whole);
        QVERIFY2(all.status == 0, all.err.c_str());
        std::vector<std::string> merge = {"sweep", "merge"};
        for (const char* shard : {"1/3", "2/3", "3/3"}) {
            const std::string path = dir.path().toStdString() + "/shard-" + shard[0] + ".csv";
            std::vector<std::string> args = common;
            args.insert(args.end(), {"--shard", shard, "--output", path});
            QCOMPARE(run(args).status, 0);
            merge.push_back(path);
        }
        const Run merged = run(merge);
        QVERIFY2(merged.status == 0 && merged.err.empty(), merged.err.c_str());
        const auto withoutTime = [](const std::string& csv) {
            std::string text;
            std::istringstream lines(csv);
            for (std::string line; std::getline(lines, line);)
                text += line.substr(0, line.rfind(',')) + "\n";
            return text;
        };
        QCOMPARE(withoutTime(merged.out), withoutTime(all.out));
        QCOMPARE(std::count(all.out.begin(), all.out.end(), '\n'), 1 + 2 * 2 * 3);
        // The same shard twice is refused, naming the file.
        const Run twice = run({"sweep", "merge", merge[2], merge[3], merge[2]});
        QCOMPARE(twice.status, 2);
        QVERIFY2(twice.err.find(merge[2] + ": the row ") != std::string::npos, twice.err.c_str());
    }

    void badSweepCommandLinesExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString classroom = QString::fromStdString(kClassroom);
        QTest::newRow("unknown parameter") << QStringList{"sweep", classroom, "--vary", "bandwidth=1,2"}
                                           << "unknown parameter 'bandwidth'; use one of users, deadline_scale, uplink_scale";
        QTest::newRow("no values") << QStringList{"sweep", classroom, "--vary", "users"} << "--vary users needs values";
        QTest::newRow("malformed values") << QStringList{"sweep", classroom, "--vary", "users=1,two"}
                                          << "--vary users: item 2 of '1,two'";
        QTest::newRow("bad range") << QStringList{"sweep", classroom, "--vary", "edge_scale=1:2:0"}
                                   << "--vary edge_scale: range '1:2:0'";
        QTest::newRow("no --vary") << QStringList{"sweep", classroom} << "give --vary NAME=VALUES";
        QTest::newRow("bad shard") << QStringList{"sweep", classroom, "--vary", "users=2", "--shard", "4/3"}
                                   << "--shard must be I/N";
        QTest::newRow("bad jobs") << QStringList{"sweep", classroom, "--vary", "users=2", "--jobs", "0"}
                                  << "--jobs must be an integer";
        QTest::newRow("bad repeats") << QStringList{"sweep", classroom, "--vary", "users=2", "--repeats", "x"}
                                     << "--repeats must be an integer";
        QTest::newRow("bad seed") << QStringList{"sweep", classroom, "--vary", "users=2", "--seed", "-1"}
                                  << "--seed must be a whole number";
        QTest::newRow("unknown algorithm") << QStringList{"sweep", classroom, "--vary", "users=2", "--algorithms", "og,fast"}
                                           << "--algorithms: unknown algorithm 'fast'";
        QTest::newRow("users above the table")
            << QStringList{"sweep", classroom, "--vary", "users=4,9"} << "users=9: the scenario is a table of 8";
        QTest::newRow("bad scenario") << QStringList{"sweep", COINFER_TEST_DATA "/bad/negative-deadline.json", "--vary",
                                                     "users=1"}
                                      << "negative-deadline.json: users[";
        QTest::newRow("merge a non-sweep file")
            << QStringList{"sweep", "merge", classroom} << "classroom.json: line 1: the header must be";
    }

    void badSweepCommandLinesExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        std::vector<std::string> words;
        for (const QString& arg : args)
            words.push_back(arg.toStdString());
        const Run refused = run(words);
        QCOMPARE(refused.status, 2);
        QVERIFY(refused.out.empty());
        QVERIFY2(QString::fromStdString(refused.err).contains(message), refused.err.c_str());
    }

    void helpAndVersion()
    {
        QCOMPARE(run({"--help"}).status, 0);
        const std::string help = run({"--help"}).out;
        QVERIFY(help.find("coinfer plan") != std::string::npos);
        QVERIFY(help.find("og, best (default), exact") != std::string::npos);
        QVERIFY(help.find("--time-limit-ms") != std::string::npos);
        QVERIFY(help.find("at most 8") == std::string::npos);
        QCOMPARE(run({"--version"}).status, 0);
        QVERIFY(run({"--version"}).out.rfind("coinfer ", 0) == 0);
    }
};

QTEST_APPLESS_MAIN(TestCli)
#include "test_cli.moc"
