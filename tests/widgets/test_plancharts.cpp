// The plan page's charts at any size: per-user bars for a few users, aggregate views past the
// limit whose sums are the plan's totals, the chosen user marked without a colour changing,
// whole-number ticks, and showPlan fast enough for the GUI thread at 10,000 users.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/randomscenario.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"
#include "widgets/views/planaggregates.h"
#include "widgets/views/plancharts.h"
#include "widgettest.h"

#include <QByteArray>
#include <QColor>
#include <QElapsedTimer>
#include <QImage>
#include <QList>
#include <QObject>
#include <QPixmap>
#include <QString>
#include <QTest>
#include <QVector>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace coinfer;
using namespace coinfer::testing;

namespace {

const QString kCampus = QStringLiteral(COINFER_EXAMPLES "/campus.json");

Scenario campus()
{
    return *readScenario(kCampus.toStdString());
}

/// A plan that needs no planner: user m splits at m mod (N + 1) and the GPU runs batches of 50
/// users back to back, 2 ms each. Its energies are what the phones spend up to the split plus 1 mJ.
Plan syntheticPlan(const Scenario& scenario)
{
    Plan plan;
    const int n = scenario.dnn.subtaskCount();
    for (size_t m = 0; m < scenario.users.size(); ++m) {
        UserOutcome outcome;
        outcome.partition = static_cast<int>(m) % (n + 1);
        const auto& local = scenario.users[m].localEnergyMj;
        outcome.energyMj =
            std::accumulate(local.begin(), local.begin() + outcome.partition, 0.0) + (outcome.partition < n ? 1.0 : 0.0);
        plan.totalEnergyMj += outcome.energyMj;
        plan.localEnergyMj += std::accumulate(local.begin(), local.end(), 0.0);
        plan.users.push_back(outcome);
    }
    double clockMs = 5;
    for (size_t first = 0; first < scenario.users.size(); first += 50) {
        TimedBatch batch{.subtask = n, .users = {}, .startMs = clockMs, .endMs = clockMs + 2};
        for (size_t m = first; m < std::min(first + 50, scenario.users.size()); ++m)
            batch.users.push_back(static_cast<int>(m));
        plan.batches.push_back(batch);
        clockMs += 3; // 1 ms idle between batches
    }
    return plan;
}

bool hasColour(const QImage& image, const QColor& colour)
{
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixelColor(x, y).rgb() == colour.rgb())
                return true;
    return false;
}

} // namespace

class TestPlanCharts : public QObject {
    Q_OBJECT

private slots:
    void aggregatesAddUpToThePlan()
    {
        const Scenario scenario = campus();
        QCOMPARE(scenario.userCount(), 200);
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        const std::vector<UserEnergy> energies = userEnergies(scenario, plan);
        // Recomputed here: the plan's own energy per user, and everything on the phone.
        double planMj = 0, localMj = 0;
        for (size_t m = 0; m < scenario.users.size(); ++m) {
            planMj += plan.users[m].energyMj;
            const auto& local = scenario.users[m].localEnergyMj;
            localMj += std::accumulate(local.begin(), local.end(), 0.0);
            QVERIFY(std::fabs(energies[m].computingMj + energies[m].uploadingMj - plan.users[m].energyMj) < 1e-9);
        }
        QVERIFY(std::fabs(planMj - plan.totalEnergyMj) < 1e-6 * plan.totalEnergyMj);

        std::vector<int> deadlineClass, deviceClass;
        for (const auto& classes :
             {energyByDeadline(scenario, energies, deadlineClass), energyByDeviceClass(scenario, energies, deviceClass)}) {
            double classPlanMj = 0, classLocalMj = 0;
            int users = 0;
            for (const EnergyClass& group : classes) {
                classPlanMj += group.computingMj + group.uploadingMj;
                classLocalMj += group.localMj;
                users += group.users;
            }
            QCOMPARE(users, scenario.userCount());
            QVERIFY(std::fabs(classPlanMj - planMj) < 1e-6 * planMj);
            QVERIFY(std::fabs(classLocalMj - localMj) < 1e-6 * localMj);
        }
        // Campus draws three deadlines and two device classes: one class each, every user in the
        // class of its own deadline and device.
        std::map<double, std::set<int>> classesOfDeadline;
        std::map<std::string, std::set<int>> classesOfDevice;
        for (size_t m = 0; m < scenario.users.size(); ++m) {
            classesOfDeadline[scenario.users[m].deadlineMs].insert(deadlineClass[m]);
            classesOfDevice[scenario.users[m].deviceClass].insert(deviceClass[m]);
        }
        QCOMPARE(classesOfDeadline.size(), size_t(3));
        QCOMPARE(classesOfDevice.size(), size_t(2));
        std::set<int> distinct;
        for (const auto& [deadline, classes] : classesOfDeadline) {
            QCOMPARE(classes.size(), size_t(1));
            distinct.insert(*classes.begin());
        }
        QCOMPARE(distinct.size(), size_t(3));
        for (const auto& [device, classes] : classesOfDevice)
            QCOMPARE(classes.size(), size_t(1));

        const SavingRanking ranking = rankBySaving(energies);
        for (size_t rank = 0; rank < scenario.users.size(); ++rank) {
            const int user = ranking.userAtRank[rank];
            QCOMPARE(ranking.rankOfUser[static_cast<size_t>(user)], static_cast<int>(rank));
            const auto& local = scenario.users[static_cast<size_t>(user)].localEnergyMj;
            const double saving =
                std::accumulate(local.begin(), local.end(), 0.0) - plan.users[static_cast<size_t>(user)].energyMj;
            QVERIFY(std::fabs(ranking.savingMj[rank] - saving) < 1e-9);
            if (rank > 0)
                QVERIFY(ranking.savingMj[rank - 1] <= ranking.savingMj[rank]);
        }
    }

    void deadlineBandsPastEightValues()
    {
        // Many distinct deadlines: at most eight bands, in increasing deadline, none empty.
        const Scenario scenario = makeRandomScenario(7, {.users = 300, .subtasks = 4, .deadlineSpread = 1.5});
        std::vector<int> classOf;
        const std::vector<EnergyClass> bands =
            energyByDeadline(scenario, userEnergies(scenario, syntheticPlan(scenario)), classOf);
        QVERIFY(bands.size() >= 2 && bands.size() <= 8);
        for (const EnergyClass& band : bands)
            QVERIFY(band.users > 0);
        for (size_t a = 0; a < scenario.users.size(); ++a)
            for (size_t b = 0; b < scenario.users.size(); ++b)
                if (scenario.users[a].deadlineMs < scenario.users[b].deadlineMs)
                    QVERIFY(classOf[a] <= classOf[b]);
    }

    void gpuBusyTimeIsTheBatchesTime()
    {
        const Scenario scenario = campus();
        const Plan plan = syntheticPlan(scenario);
        const GpuUtilisation utilisation = gpuUtilisation(plan, 37);
        double busyMs = 0, batchMs = 0;
        for (double fraction : utilisation.busyFraction) {
            QVERIFY(fraction >= 0 && fraction <= 1);
            busyMs += fraction * utilisation.binMs;
        }
        for (const TimedBatch& batch : plan.batches)
            batchMs += batch.endMs - batch.startMs;
        QVERIFY2(std::fabs(busyMs - batchMs) < 1e-6, qPrintable(QString("%1 vs %2").arg(busyMs).arg(batchMs)));
        QCOMPARE(utilisation.batchSize.front(), 50);
        QVERIFY(gpuUtilisation(Plan{}).busyFraction.empty()); // no batch: nothing to divide
        // The chart says so in words instead of showing empty axes.
        PlanCharts charts;
        Plan local = plan;
        local.batches.clear();
        charts.showPlan(scenario, local);
        QVERIFY(charts.chart(PlanCharts::View::GpuUtilisation)->note().contains("No GPU batch"));
        charts.showPlan(scenario, plan);
        QVERIFY(charts.chart(PlanCharts::View::GpuUtilisation)->note().isEmpty());
        // Every batch's marker lies whole inside the chart: a margin on both sides of the time
        // axis, also for a batch at the very start.
        Plan early = plan;
        early.batches.insert(early.batches.begin(), TimedBatch{1, {0}, 0.0, 0.5});
        charts.showPlan(scenario, early);
        const auto [lowerMs, upperMs] = charts.chart(PlanCharts::View::GpuUtilisation)->axisRange(ChartAxis::Bottom);
        const QVector<double> starts = charts.chart(PlanCharts::View::GpuUtilisation)->line(0).x;
        QVERIFY(!starts.isEmpty());
        const double margin = 0.015 * (upperMs - lowerMs);
        QVERIFY2(lowerMs + margin <= *std::min_element(starts.begin(), starts.end()) &&
                     *std::max_element(starts.begin(), starts.end()) <= upperMs - margin,
                 qPrintable(QString("axis %1..%2 ms").arg(lowerMs).arg(upperMs)));
    }

    void perUserBarsGiveWayPastTheLimit()
    {
        PlanCharts charts;
        charts.resize(900, 300);
        const Scenario classroom = *readScenario(kClassroom.toStdString());
        charts.showPlan(classroom, *makePlan(classroom, CostModel(classroom), Algorithm::Og));
        QVERIFY(charts.offers(PlanCharts::View::EnergyPerUser));
        QCOMPARE(charts.currentView(), PlanCharts::View::EnergyPerUser);
        QCOMPARE(charts.energyChart()->barSeriesCount(), 3);
        // Every user's group is in view, the first and the last whole.
        const auto [lower, upper] = charts.energyChart()->axisRange(ChartAxis::Bottom);
        QVERIFY2(lower <= -0.5 && upper >= classroom.userCount() - 0.5, qPrintable(QString("%1..%2").arg(lower).arg(upper)));

        const Scenario many = campus();
        charts.showPlan(many, *makePlan(many, CostModel(many), Algorithm::Og));
        QVERIFY(!charts.offers(PlanCharts::View::EnergyPerUser));
        QCOMPARE(charts.currentView(), PlanCharts::View::SavingRanked);
        QCOMPARE(charts.energyChart()->barSeriesCount(), 0); // no 200 bars drawn
        QCOMPARE(charts.chart(PlanCharts::View::SavingRanked)->line(0).x.size(), qsizetype(200));
        QCOMPARE(charts.chart(PlanCharts::View::EnergyByDeadline)->barSeries(0).x.size(), qsizetype(3));
        for (const auto& [name, chart] : charts.namedCharts())
            QVERIFY2(name != "energy", "the per-user chart is not exported past the limit");
        const auto report = charts.reportCharts();
        QVERIFY(std::find(report.begin(), report.end(), charts.chart(PlanCharts::View::SavingRanked)) != report.end());
        QVERIFY(std::find(report.begin(), report.end(), charts.energyChart()) == report.end());
        // Back under the limit, the bars come back and the chosen view stays.
        charts.setCurrentView(PlanCharts::View::GpuUtilisation);
        charts.showPlan(classroom, *makePlan(classroom, CostModel(classroom), Algorithm::Og));
        QCOMPARE(charts.currentView(), PlanCharts::View::GpuUtilisation);
        QVERIFY(charts.offers(PlanCharts::View::EnergyPerUser));
    }

    void noUsersGiveASentence()
    {
        PlanCharts charts;
        // Before any plan, a sentence rather than empty axes (seen on an infeasible scenario).
        QVERIFY2(charts.emptyMessage().contains("No plan yet"), qPrintable(charts.emptyMessage()));
        Scenario empty = *readScenario(kClassroom.toStdString());
        empty.users.clear();
        Plan plan;
        charts.showPlan(empty, plan);
        QVERIFY2(charts.emptyMessage().contains("No users"), qPrintable(charts.emptyMessage()));
        const Scenario classroom = *readScenario(kClassroom.toStdString());
        charts.showPlan(classroom, *makePlan(classroom, CostModel(classroom), Algorithm::Og));
        QVERIFY(charts.emptyMessage().isEmpty());
    }

    void selectionMarksTheUserAndKeepsEveryFill()
    {
        PlanCharts charts;
        charts.resize(900, 300);
        const Scenario classroom = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(classroom, CostModel(classroom), Algorithm::Og);
        charts.showPlan(classroom, plan);
        ChartView* energy = charts.energyChart();
        charts.selectUser(3);
        QCOMPARE(energy->markedKey().value_or(-1), 3.0);
        QCOMPARE(energy->barSeries(0).fill, palette::localComputing());
        QCOMPARE(energy->barSeries(1).fill, palette::uploading());
        QCOMPARE(energy->barSeries(2).fill, palette::localOnly());
        // As drawn on screen: the plan's colours are still on the chart, and the mark is there.
        energy->replot();
        const QImage image = energy->grab().toImage();
        QVERIFY(hasColour(image, palette::localOnly()));
        QVERIFY(hasColour(image, palette::selection()));
        QVERIFY(hasColour(image, palette::localComputing()) || hasColour(image, palette::uploading()));
        // The ranking marks the user at its rank (1-based along the axis).
        const SavingRanking ranking = rankBySaving(userEnergies(classroom, plan));
        QCOMPARE(charts.chart(PlanCharts::View::SavingRanked)->markedKey().value_or(-1), ranking.rankOfUser[3] + 1.0);
        charts.selectUser(-1);
        QVERIFY(!energy->markedKey());
    }

    void partitionTicksAreWholeNumbers()
    {
        PlanCharts charts;
        charts.resize(900, 300);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        const Scenario many = campus();
        charts.showPlan(many, *makePlan(many, CostModel(many), Algorithm::Og));
        for (ChartAxis axis : {ChartAxis::Bottom, ChartAxis::Left}) {
            const QVector<double> ticks = charts.partitionChart()->ticks(axis);
            QVERIFY(!ticks.isEmpty());
            for (double tick : ticks)
                QVERIFY2(tick == std::round(tick), qPrintable(QString::number(tick)));
        }
    }

    void showPlanStaysFastAtTenThousandUsers()
    {
        const Scenario scenario = makeRandomScenario(3, {.users = 10'000, .subtasks = 8, .deadlineSpread = 1.5});
        const Plan plan = syntheticPlan(scenario);
        PlanCharts charts;
        charts.resize(1200, 320);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        // The limit is checked on the GUI thread's CPU time (threadCpuMs); wall time is printed too.
        std::vector<double> timesMs, cpuMs;
        for (int run = 0; run < 3; ++run) {
            QElapsedTimer timer;
            timer.start();
            const double startCpuMs = threadCpuMs();
            charts.showPlan(scenario, plan);
            charts.selectUser(run * 100);
            cpuMs.push_back(threadCpuMs() - startCpuMs);
            timesMs.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }
        std::sort(timesMs.begin(), timesMs.end());
        std::sort(cpuMs.begin(), cpuMs.end());
        qInfo("showPlan + selectUser at 10,000 users: median %.1f ms wall (runs %.1f, %.1f, %.1f), %.1f ms CPU", timesMs[1],
              timesMs[0], timesMs[1], timesMs[2], cpuMs[1]);
        QVERIFY2(cpuMs[1] < 50, qPrintable(QString("%1 ms").arg(cpuMs[1])));
    }
};

QTEST_MAIN(TestPlanCharts)
#include "test_plancharts.moc"
