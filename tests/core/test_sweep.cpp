// What-if sweeps: every row is checked against an independent makePlan on a scenario
// built here from the file's text or by hand (never against numbers written into the test), and
// the run's promises are checked: same rows for any --jobs and shards, repeats that differ,
// cancel that keeps finished points, a CSV that reads back to the same rows.
#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"
#include "core/sweep/sweep.h"
#include "core/sweep/sweepenvelope.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <set>

using namespace coinfer;

namespace {

const std::string kClassroom = COINFER_EXAMPLES "/classroom.json";
const std::string kCampus = COINFER_EXAMPLES "/campus.json";

std::string fileText(const std::string& path)
{
    Expected<std::string> text = readTextFile(path);
    if (!text)
        qFatal("%s", text.error().message.c_str());
    return *text;
}

/// @p text with its one occurrence of @p from replaced by @p to (fatal when it is not there once).
std::string replacedOnce(std::string text, const std::string& from, const std::string& to)
{
    const size_t at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
        qFatal("'%s' is not in the text exactly once", from.c_str());
    return text.replace(at, from.size(), to);
}

/// @p text with every occurrence of @p from replaced by @p to.
std::string replacedAll(std::string text, const std::string& from, const std::string& to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// The campus example with @p users generated users: small enough for a fast test.
std::string campusText(int users)
{
    return replacedOnce(fileText(kCampus), "\"count\": 200", "\"count\": " + std::to_string(users));
}

SweepBase baseOf(const std::string& text, const std::string& name)
{
    Expected<SweepBase> base = prepareSweepBase(text, name);
    if (!base)
        qFatal("%s", base.error().message.c_str());
    return std::move(*base);
}

Scenario scenarioOf(const std::string& text, const std::string& name = kCampus)
{
    Expected<Scenario> scenario = parseScenario(text, name);
    if (!scenario)
        qFatal("%s", scenario.error().message.c_str());
    return std::move(*scenario);
}

SweepResult runOrDie(const SweepBase& base, const SweepRequest& request, const SweepProgressFn& progress = {})
{
    Expected<SweepResult> result = runSweep(base, request, progress);
    if (!result)
        qFatal("%s", result.error().message.c_str());
    return std::move(*result);
}

/// Every column but time_ms, in a form QCOMPARE prints.
QString rowText(const SweepRow& row)
{
    SweepRow timeless = row;
    timeless.timeMs = 0;
    return QString::fromStdString(sweepRowsToCsv({timeless}));
}

QStringList rowsText(const std::vector<SweepRow>& rows)
{
    QStringList texts;
    for (const SweepRow& row : rows)
        texts << rowText(row);
    return texts;
}

/// Says how @p row differs from `coinfer plan`'s makePlan of @p algorithm on @p scenario.
QString differenceFromPlan(const SweepRow& row, const Scenario& scenario, Algorithm algorithm)
{
    const CostModel model(scenario);
    Expected<Plan> plan = makePlan(scenario, model, algorithm);
    if (row.algorithm != algorithmName(algorithm))
        return QString::fromStdString("row of " + row.algorithm + " where " + algorithmName(algorithm) + " was expected");
    if (!plan)
        return row.planned || row.feasible ? "planned where makePlan refuses" : QString();
    if (!row.planned || row.energyMj != plan->totalEnergyMj || row.feasible != plan->feasible ||
        row.batches != static_cast<int>(plan->batches.size()) || row.localEnergyMj != plan->localEnergyMj ||
        row.savingPercent != plan->savingPercent)
        return QString("energy %1 feasible %2 batches %3, plan %4 %5 %6")
            .arg(row.energyMj, 0, 'g', 17)
            .arg(row.feasible)
            .arg(row.batches)
            .arg(plan->totalEnergyMj, 0, 'g', 17)
            .arg(plan->feasible)
            .arg(plan->batches.size());
    const bool sameBound =
        row.lowerBoundMj == plan->lowerBoundMj || (std::isnan(row.lowerBoundMj) && !std::isfinite(plan->lowerBoundMj));
    const double gap = gapPercent(*plan);
    const bool sameGap = row.gapPercent == gap || (std::isnan(row.gapPercent) && std::isnan(gap));
    return sameBound && sameGap ? QString()
                                : QString("bound %1 gap %2, plan %3 %4")
                                      .arg(row.lowerBoundMj)
                                      .arg(row.gapPercent)
                                      .arg(plan->lowerBoundMj)
                                      .arg(gap);
}

/// Checks every row of @p rows at (@p value, @p repeat) against makePlan on @p expected.
void checkPointAgainstPlans(const std::vector<SweepRow>& rows, double value, int repeat, const Scenario& expected)
{
    int checked = 0;
    for (const SweepRow& row : rows) {
        if (row.value != value || row.repeat != repeat)
            continue;
        const QString difference = differenceFromPlan(row, expected, *algorithmFromName(row.algorithm));
        QVERIFY2(difference.isEmpty(), qPrintable(QString::fromStdString(row.algorithm + ": ") + difference));
        ++checked;
    }
    QVERIFY2(checked > 0, "no rows at the point");
}

SweepRequest request(SweepParameter parameter, std::vector<double> values, int repeats = 1)
{
    SweepRequest request;
    request.parameter = parameter;
    request.values = std::move(values);
    request.repeats = repeats;
    return request;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

private slots:
    void parsesValues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // values joined by ' ', or "error: fragment"
        QTest::newRow("list") << "200,50, 100"
                              << "50 100 200";
        QTest::newRow("range") << "50:200:50"
                               << "50 100 150 200";
        QTest::newRow("range past last") << "1:2:0.3"
                                         << "1 1.3 1.6 1.9";
        QTest::newRow("decimal steps") << "0.1:0.5:0.1"
                                       << "0.1 0.2 0.3 0.4 0.5";
        QTest::newRow("empty item") << "1,,2"
                                    << "error: item 2 of '1,,2' is empty";
        QTest::newRow("word") << "1,x"
                              << "error: 'x', is not a finite number";
        QTest::newRow("infinity") << "inf"
                                  << "error: is not a finite number";
        QTest::newRow("duplicate") << "2,1,2"
                                   << "error: the value 2 is given twice";
        QTest::newRow("zero step") << "1:5:0"
                                   << "error: the step must be positive";
        QTest::newRow("backwards") << "5:1:1"
                                   << "error: the last value is below the first";
        QTest::newRow("two colons missing") << "1:5"
                                            << "error: must be FIRST:LAST:STEP";
        QTest::newRow("nothing") << " "
                                 << "error: no values given";
    }

    void parsesValues()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Expected<std::vector<double>> values = parseSweepValues(text.toStdString());
        if (expected.startsWith("error: ")) {
            QVERIFY(!values);
            QVERIFY2(QString::fromStdString(values.error().message).contains(expected.mid(7)), values.error().message.c_str());
            return;
        }
        QVERIFY2(values, values ? "" : values.error().message.c_str());
        QStringList texts;
        for (double value : *values)
            texts << QString::fromStdString(sweepNumberText(value));
        QCOMPARE(texts.join(' '), expected);
    }

    void everyParameterHasANameAndDescription()
    {
        std::set<std::string> names;
        for (const SweepParameterInfo& info : sweepParameters()) {
            QVERIFY(!info.description.empty());
            QVERIFY(names.insert(info.name).second);
            QCOMPARE(sweepParameterFromName(info.name), std::optional<SweepParameter>(info.parameter));
        }
        for (const char* name : {"users", "deadline_scale", "uplink_scale", "edge_scale", "tx_power_scale", "max_batch"})
            QVERIFY2(names.count(name), name);
        QVERIFY(!sweepParameterFromName("user"));
    }

    void theOwnPointIsThePlanOfTheFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("parameter");
        QTest::newRow("classroom deadline_scale") << "classroom" << int(SweepParameter::DeadlineScale);
        QTest::newRow("classroom users") << "classroom" << int(SweepParameter::Users);
        QTest::newRow("classroom max_batch") << "classroom" << int(SweepParameter::MaxBatch);
        QTest::newRow("classroom bandwidth") << "classroom" << int(SweepParameter::BandwidthMhz);
        QTest::newRow("campus-30 users") << "campus" << int(SweepParameter::Users);
        QTest::newRow("campus-30 tx_power_scale") << "campus" << int(SweepParameter::TxPowerScale);
        QTest::newRow("campus-30 edge_scale") << "campus" << int(SweepParameter::EdgeScale);
        QTest::newRow("campus-30 uplink_scale") << "campus" << int(SweepParameter::UplinkScale);
        // At 200 users best spends its whole work budget: the sweep's budget must be plan's.
        QTest::newRow("campus-200 users") << "campus200" << int(SweepParameter::Users);
    }

    void theOwnPointIsThePlanOfTheFile()
    {
        QFETCH(QString, file);
        QFETCH(int, parameter);
        const std::string text = file == "campus"      ? campusText(30)
                                 : file == "campus200" ? fileText(kCampus)
                                                       : fileText(kClassroom);
        const SweepBase base = baseOf(text, file == "classroom" ? kClassroom : kCampus);
        const auto swept = static_cast<SweepParameter>(parameter);
        SweepRequest own = request(swept, {ownSweepValue(base, swept)});
        own.algorithms = parseSweepAlgorithms("all").value();
        const SweepResult result = runOrDie(base, own);
        QCOMPARE(result.rows.size(), allAlgorithms().size() - 1);
        checkPointAgainstPlans(result.rows, ownSweepValue(base, swept), 0, scenarioOf(text));
    }

    void otherPointsArePlansOfTheEditedFile()
    {
        // Each variant is built here independently: the file's text edited, or the scenario's
        // numbers changed by hand, then planned by makePlan.
        const std::string text = campusText(25);
        const SweepBase base = baseOf(text, kCampus);
        const auto check = [&](SweepParameter parameter, double value, const Scenario& expected) {
            const SweepResult result = runOrDie(base, request(parameter, {value}));
            checkPointAgainstPlans(result.rows, value, 0, expected);
        };
        check(SweepParameter::Users, 12, scenarioOf(replacedOnce(text, "\"count\": 25", "\"count\": 12")));
        check(SweepParameter::TxPowerScale, 2, scenarioOf(replacedAll(text, "\"tx_power_w\": 0.2", "\"tx_power_w\": 0.4")));
        check(SweepParameter::BandwidthMhz, 5, scenarioOf(replacedOnce(text, "\"bandwidth_mhz\": 1.0", "\"bandwidth_mhz\": 5")));
        Scenario scaled = scenarioOf(text);
        for (User& user : scaled.users)
            user.deadlineMs *= 0.8;
        check(SweepParameter::DeadlineScale, 0.8, scaled);
        scaled = scenarioOf(text);
        for (User& user : scaled.users)
            user.uplinkRateMbps *= 3;
        check(SweepParameter::UplinkScale, 3, scaled);
        scaled = scenarioOf(text);
        for (Subtask& subtask : scaled.dnn.subtasks)
            for (double& latency : subtask.edgeLatencyMs)
                latency *= 1.5;
        check(SweepParameter::EdgeScale, 1.5, scaled);
        scaled = scenarioOf(text);
        for (Subtask& subtask : scaled.dnn.subtasks)
            subtask.edgeLatencyMs.resize(4);
        check(SweepParameter::MaxBatch, 4, scaled);
    }

    void populationRepeatsDrawTheirOwnUsers()
    {
        const std::string text = campusText(20);
        const SweepBase base = baseOf(text, kCampus);
        SweepRequest draws = request(SweepParameter::Users, {10, 20}, 3);
        draws.seed = 7;
        const SweepResult result = runOrDie(base, draws);
        // The device classes follow the mix's weights, the distances are drawn: OG's plans differ.
        std::set<double> ogAtTen;
        for (const SweepRow& row : result.rows)
            if (row.value == 10 && row.algorithm == "og")
                ogAtTen.insert(row.energyMj);
        QCOMPARE(ogAtTen.size(), size_t(3));
        // Repeat r >= 1 is the file with that many users and the repeat's seed.
        const std::string seeded = replacedOnce(replacedOnce(text, "\"count\": 20", "\"count\": 10"), "\"seed\": 2026",
                                                "\"seed\": " + std::to_string(sweepRepeatSeed(7, 2)));
        checkPointAgainstPlans(result.rows, 10, 2, scenarioOf(seeded));
        // Repeat 0 keeps the file's own seed; another sweep seed changes repeats 1.. only.
        draws.seed = 8;
        const SweepResult reseeded = runOrDie(base, draws);
        QCOMPARE(rowText(reseeded.rows[0]), rowText(result.rows[0]));
        QVERIFY(rowText(reseeded.rows[5]) != rowText(result.rows[5]));
    }

    void tableUsersAreASeededSubsetInFileOrder()
    {
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        std::set<std::vector<std::string>> subsets;
        for (int repeat = 0; repeat < 4; ++repeat) {
            const Expected<Scenario> variant = sweepVariant(base, SweepParameter::Users, 5, repeat, 3);
            QVERIFY2(variant, variant ? "" : variant.error().message.c_str());
            QCOMPARE(variant->userCount(), 5);
            std::vector<std::string> ids;
            size_t next = 0;
            for (const User& user : variant->users) {
                while (next < base.scenario.users.size() && base.scenario.users[next].id != user.id)
                    ++next;
                QVERIFY2(next < base.scenario.users.size(), "a user out of file order or not in the file");
                QVERIFY(user == base.scenario.users[next]);
                ids.push_back(user.id);
            }
            subsets.insert(ids);
        }
        QVERIFY2(subsets.size() > 1, "every repeat drew the same subset");
        // The rows of a subset point are the plans of that subset.
        const SweepResult result = runOrDie(base, [] {
            SweepRequest subset = request(SweepParameter::Users, {5}, 2);
            subset.seed = 3;
            return subset;
        }());
        checkPointAgainstPlans(result.rows, 5, 1, *sweepVariant(base, SweepParameter::Users, 5, 1, 3));
    }

    void refusesValuesOutsideTheScenario_data()
    {
        QTest::addColumn<int>("parameter");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("users above the table") << int(SweepParameter::Users) << 9.0 << "a table of 8 users";
        QTest::newRow("fractional users") << int(SweepParameter::Users) << 2.5 << "whole number";
        QTest::newRow("max_batch above B_max") << int(SweepParameter::MaxBatch) << 17.0 << "B_max, 16";
        QTest::newRow("zero scale") << int(SweepParameter::EdgeScale) << 0.0 << "must be positive";
    }

    void refusesValuesOutsideTheScenario()
    {
        QFETCH(int, parameter);
        QFETCH(double, value);
        QFETCH(QString, fragment);
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        const Expected<SweepResult> result = runSweep(base, request(static_cast<SweepParameter>(parameter), {1, value}));
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::BadInput);
        QVERIFY2(QString::fromStdString(result.error().message).contains(fragment), result.error().message.c_str());
    }

    void jobsAndRunsGiveTheSameRows()
    {
        const SweepBase base = baseOf(campusText(16), kCampus);
        SweepRequest sweep = request(SweepParameter::DeadlineScale, {0.5, 1, 1.5}, 2);
        const QStringList once = rowsText(runOrDie(base, sweep).rows);
        QCOMPARE(once.size(), 3 * 2 * 5);
        QCOMPARE(rowsText(runOrDie(base, sweep).rows), once);
        sweep.jobs = 2;
        QCOMPARE(rowsText(runOrDie(base, sweep).rows), once);
        sweep.jobs = 7;
        QCOMPARE(rowsText(runOrDie(base, sweep).rows), once);
    }

    /// A relaxation never makes best's row worse: over B_max 1..64, deadline scales 0.8..1.5,
    /// uplink scales 0.5..2 and bandwidths 0.5..3 MHz on the campus, best's energy never rises
    /// and its plan always meets every deadline once a tighter value's did; the rows of the other
    /// planners are left as they are.
    void bestIsMonotoneOverRelaxations_data()
    {
        QTest::addColumn<int>("parameter");
        QTest::addColumn<QString>("values");
        QTest::newRow("max_batch 1..64") << int(SweepParameter::MaxBatch) << "1:64:1";
        QTest::newRow("deadline_scale 0.8..1.5") << int(SweepParameter::DeadlineScale) << "0.8:1.5:0.05";
        // A faster link changes what a plan costs: the tighter plan is timed again, not copied.
        QTest::newRow("uplink_scale 0.5..2") << int(SweepParameter::UplinkScale) << "0.5:2:0.05";
        QTest::newRow("bandwidth_mhz 0.5..3") << int(SweepParameter::BandwidthMhz) << "0.5:3:0.1";
    }

    void bestIsMonotoneOverRelaxations()
    {
        QFETCH(int, parameter);
        QFETCH(QString, values);
        const SweepBase base = baseOf(fileText(kCampus), kCampus);
        const Expected<std::vector<double>> parsed = parseSweepValues(values.toStdString());
        QVERIFY(parsed);
        SweepRequest sweep = request(static_cast<SweepParameter>(parameter), *parsed);
        sweep.algorithms = {Algorithm::Og, Algorithm::Best};
        sweep.bestWorkBudget = 1'000'000; // monotone by construction whatever the budget; kept short
        sweep.jobs = 2;
        const SweepResult result = runOrDie(base, sweep);
        double tightestMj = std::numeric_limits<double>::infinity();
        int bestRows = 0;
        for (const SweepRow& row : result.rows) { // in value order
            if (row.algorithm != "best" || !row.planned)
                continue;
            ++bestRows;
            if (std::isfinite(tightestMj)) {
                QVERIFY2(row.feasible, qPrintable(QStringLiteral("best misses a deadline at %1").arg(row.value)));
                QVERIFY2(row.energyMj <= tightestMj * (1 + 1e-12),
                         qPrintable(QStringLiteral("best %1 mJ at %2, above a tighter value's %3 mJ")
                                        .arg(row.energyMj)
                                        .arg(row.value)
                                        .arg(tightestMj)));
            }
            if (row.feasible)
                tightestMj = std::min(tightestMj, row.energyMj);
            QVERIFY(std::isnan(row.lowerBoundMj) || row.lowerBoundMj <= row.energyMj * (1 + 1e-9));
        }
        // Below a deadline scale of about 1, some campus users cannot meet their deadline even alone.
        QVERIFY2(bestRows >= static_cast<int>(parsed->size()) * 2 / 3,
                 qPrintable(QStringLiteral("%1 rows planned").arg(bestRows)));
    }

    /// Over a faster uplink, best's row shows a real plan: its energy is that of best's own plan
    /// at the value or of a smaller value's plan timed again there by the simulator (computed
    /// here directly from makePlan and simulate), never above its own plan, and never below the
    /// cheapest of those candidates.
    void recostedEnvelopeShowsRealPlans()
    {
        const SweepBase base = baseOf(fileText(kCampus), kCampus);
        SweepRequest sweep = request(SweepParameter::UplinkScale, {1.3, 1.4, 1.5, 1.55, 1.6, 1.75, 1.85, 2});
        sweep.algorithms = {Algorithm::Best};
        sweep.bestWorkBudget = 1'000'000;
        sweep.jobs = 2;
        const SweepResult result = runOrDie(base, sweep);
        QCOMPARE(result.rows.size(), sweep.values.size());
        std::vector<Schedule> ownSchedules;
        int carried = 0;
        for (size_t w = 0; w < sweep.values.size(); ++w) {
            const Expected<Scenario> scenario = sweepVariant(base, sweep.parameter, sweep.values[w], 0, sweep.seed);
            QVERIFY(scenario);
            const CostModel model(*scenario);
            PlanOptions options;
            options.control.workBudget = sweep.bestWorkBudget;
            const Expected<Plan> own = makePlan(*scenario, model, Algorithm::Best, nullptr, options);
            QVERIFY(own && own->feasible);
            ownSchedules.push_back(scheduleOfPlan(*own));
            std::vector<double> candidatesMj;
            for (const Schedule& schedule : ownSchedules) {
                const Plan timed = simulate(*scenario, model, schedule, "best");
                if (timed.feasible)
                    candidatesMj.push_back(timed.totalEnergyMj);
            }
            const SweepRow& row = result.rows[w];
            QVERIFY(row.feasible);
            QVERIFY(row.energyMj <= own->totalEnergyMj);
            QVERIFY(row.energyMj >= *std::min_element(candidatesMj.begin(), candidatesMj.end()));
            const bool isCandidate = std::any_of(candidatesMj.begin(), candidatesMj.end(),
                                                 [&](double mj) { return std::abs(mj - row.energyMj) <= 1e-9 * mj; });
            QVERIFY2(isCandidate, qPrintable(QStringLiteral("%1 mJ at %2 is no plan's").arg(row.energyMj).arg(sweep.values[w])));
            carried += row.energyMj < own->totalEnergyMj ? 1 : 0;
        }
        // The values were chosen where best's own plans rise on the campus (fails without the envelope).
        QVERIFY2(carried >= 1, "no row showed a smaller value's plan");
    }

    /// Merged shards of an uplink sweep cannot carry plans across shards: the merge says so.
    void mergeOfARecostedRelaxationWarns()
    {
        const SweepBase base = baseOf(campusText(8), kCampus);
        SweepRequest sweep = request(SweepParameter::UplinkScale, {1, 2});
        sweep.algorithms = {Algorithm::Best};
        std::vector<SweepCsvFile> shards;
        for (int shard : {1, 2}) {
            sweep.shardIndex = shard;
            sweep.shardCount = 2;
            shards.push_back({"shard-" + std::to_string(shard) + ".csv", runOrDie(base, sweep).rows});
        }
        const Expected<SweepMerge> merged = mergeSweepCsv(shards);
        QVERIFY(merged);
        QCOMPARE(merged->warnings.size(), size_t(1));
        QVERIFY2(merged->warnings[0].find("monotone within each shard only") != std::string::npos, merged->warnings[0].c_str());
        QVERIFY(mergeSweepCsv({shards[0]})->warnings.empty());
    }

    void mergedShardsAreTheWholeRun()
    {
        const SweepBase base = baseOf(campusText(12), kCampus);
        SweepRequest sweep = request(SweepParameter::Users, {4, 8, 12}, 3);
        const SweepResult whole = runOrDie(base, sweep);
        std::vector<SweepCsvFile> shards;
        size_t points = 0;
        // Given out of order, as a cluster's files arrive.
        for (int shard : {3, 1, 4, 2}) {
            sweep.shardIndex = shard;
            sweep.shardCount = 4;
            const SweepResult part = runOrDie(base, sweep);
            points += static_cast<size_t>(part.pointsTotal);
            const std::string name = "shard-" + std::to_string(shard) + ".csv";
            Expected<std::vector<SweepRow>> rows = parseSweepCsv(sweepRowsToCsv(part.rows), name);
            QVERIFY2(rows, rows ? "" : rows.error().message.c_str());
            shards.push_back({name, std::move(*rows)});
        }
        QCOMPARE(points, size_t(9));
        const Expected<SweepMerge> merged = mergeSweepCsv(shards);
        QVERIFY2(merged, merged ? "" : merged.error().message.c_str());
        QVERIFY(merged->warnings.empty());
        QCOMPARE(rowsText(merged->rows), rowsText(whole.rows));
        // A missing shard is warned about; a shard given twice is refused, naming it.
        const Expected<SweepMerge> partial = mergeSweepCsv({shards[0], shards[1]});
        QVERIFY(partial && !partial->warnings.empty());
        const Expected<SweepMerge> twice = mergeSweepCsv({shards[0], shards[1], {"again.csv", shards[0].rows}});
        QVERIFY(!twice);
        QVERIFY2(twice.error().message.find("again.csv") == 0 && twice.error().message.find("shard-3.csv") != std::string::npos,
                 twice.error().message.c_str());
    }

    void mergeRefusesAnotherParameter()
    {
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        const SweepResult users = runOrDie(base, request(SweepParameter::Users, {8}));
        const SweepResult edge = runOrDie(base, request(SweepParameter::EdgeScale, {2}));
        const Expected<SweepMerge> merged = mergeSweepCsv({{"users.csv", users.rows}, {"edge.csv", edge.rows}});
        QVERIFY(!merged);
        QVERIFY2(merged.error().message.find("edge.csv: varies edge_scale, but users.csv varies users") == 0,
                 merged.error().message.c_str());
    }

    void csvReadsBackToTheSameRows()
    {
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        const SweepResult result = runOrDie(base, request(SweepParameter::DeadlineScale, {0.05, 0.37, 1}));
        const std::string csv = sweepRowsToCsv(result.rows);
        QVERIFY(csv.rfind(sweepCsvHeader() + "\n", 0) == 0);
        const Expected<std::vector<SweepRow>> rows = parseSweepCsv(csv, "x.csv");
        QVERIFY2(rows, rows ? "" : rows.error().message.c_str());
        QCOMPARE(sweepRowsToCsv(*rows), csv);
        // RFC 4180 quoting is read: a quoted field, doubled quotes refused as an unknown algorithm.
        const std::string line = csv.substr(csv.find('\n') + 1, csv.find('\n', csv.find('\n') + 1) - csv.find('\n'));
        const Expected<std::vector<SweepRow>> quoted =
            parseSweepCsv(sweepCsvHeader() + "\n\"deadline_scale\"" + line.substr(line.find(',')), "q.csv");
        QVERIFY2(quoted && quoted->size() == 1, quoted ? "" : quoted.error().message.c_str());
        const Expected<std::vector<SweepRow>> odd =
            parseSweepCsv(sweepCsvHeader() + "\ndeadline_scale,1,0,\"o\"\"g\",1,1,1,true,1,1,1,1\n", "odd.csv");
        QVERIFY(!odd);
        QVERIFY2(odd.error().message == "odd.csv: line 2: unknown algorithm 'o\"g'", odd.error().message.c_str());
        const Expected<std::vector<SweepRow>> short_ = parseSweepCsv(sweepCsvHeader() + "\nusers,1,0\n", "short.csv");
        QVERIFY(!short_ && short_.error().message.find("short.csv: line 2: has 3 fields") == 0);
    }

    void infeasiblePointsAreRowsNotErrors()
    {
        // At a twentieth of the deadlines some users miss even alone: makePlan refuses, and the
        // rows say so instead of stopping the sweep.
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        const SweepResult result = runOrDie(base, request(SweepParameter::DeadlineScale, {0.05, 1}));
        Scenario tight = base.scenario;
        for (User& user : tight.users)
            user.deadlineMs *= 0.05;
        const CostModel model(tight);
        QCOMPARE(makePlan(tight, model, Algorithm::Og).error().code, ErrorCode::Infeasible);
        int unplanned = 0;
        for (const SweepRow& row : result.rows)
            if (row.value == 0.05) {
                QVERIFY(!row.planned && !row.feasible);
                QCOMPARE(row.localEnergyMj, model.localEnergyMj());
                ++unplanned;
            }
        QCOMPARE(unplanned, 5);
        const std::string csv = sweepRowsToCsv(result.rows);
        QVERIFY2(csv.find("deadline_scale,0.05,0,og,,") != std::string::npos, csv.c_str());
        checkPointAgainstPlans(result.rows, 1, 0, base.scenario);
    }

    void cancelKeepsTheFinishedPoints()
    {
        const SweepBase base = baseOf(campusText(10), kCampus);
        SweepRequest sweep = request(SweepParameter::DeadlineScale, {0.8, 1, 1.2, 1.4, 1.6});
        const QStringList whole = rowsText(runOrDie(base, sweep).rows);
        int calls = 0;
        const SweepResult stopped = runOrDie(base, sweep, [&calls](const SweepProgress& progress) {
            ++calls;
            return progress.pointsDone < 2;
        });
        QVERIFY(stopped.cancelled);
        QCOMPARE(calls, 2);
        QCOMPARE(stopped.pointsDone, 2);
        QCOMPARE(stopped.pointsTotal, 5);
        QCOMPARE(rowsText(stopped.rows), whole.mid(0, 10));
        // With two workers the finished points are some of the whole run's, whole.
        sweep.jobs = 2;
        const SweepResult parallel = runOrDie(base, sweep, [](const SweepProgress& progress) { return progress.pointsDone < 3; });
        QVERIFY(parallel.cancelled);
        QCOMPARE(parallel.rows.size(), size_t(parallel.pointsDone) * 5);
        for (const QString& row : rowsText(parallel.rows))
            QVERIFY(whole.contains(row));
        // The outside flag (Ctrl-C on the command line) stops a sweep too.
        std::atomic<bool> cancel{true};
        sweep.cancel = &cancel;
        const SweepResult flagged = runOrDie(base, sweep);
        QVERIFY(flagged.cancelled);
        QCOMPARE(flagged.pointsDone, 0);
        QVERIFY(flagged.rows.empty());
    }

    void progressCountsEveryPoint()
    {
        const SweepBase base = baseOf(fileText(kClassroom), kClassroom);
        SweepRequest sweep = request(SweepParameter::EdgeScale, {0.5, 1, 2}, 2);
        sweep.algorithms = {Algorithm::Og, Algorithm::Local};
        sweep.jobs = 2;
        std::vector<int> seen;
        std::set<int> totals;
        size_t rows = 0;
        runOrDie(base, sweep, [&](const SweepProgress& progress) {
            seen.push_back(progress.pointsDone);
            totals.insert(progress.pointsTotal);
            rows += progress.rows->size();
            return true;
        });
        QCOMPARE(totals, std::set<int>{6});
        QCOMPARE(seen, (std::vector<int>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(rows, size_t(12));
    }

    void parsesAlgorithms()
    {
        QCOMPARE(parseSweepAlgorithms("og, local").value(), (std::vector<Algorithm>{Algorithm::Og, Algorithm::Local}));
        QCOMPARE(parseSweepAlgorithms("all").value().size(), allAlgorithms().size() - 1);
        QCOMPARE(parseSweepAlgorithms("all+exact").value(), allAlgorithms());
        const Expected<std::vector<Algorithm>> unknown = parseSweepAlgorithms("og,greedy");
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.find("unknown algorithm 'greedy'; use local,") == 0, unknown.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "test_sweep.moc"
