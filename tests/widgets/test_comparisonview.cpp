// The comparison page: the lower bound, the gap to it, the recommended plan in the table, the
// line above it and the chart.
#include "widgets/charts/chartview.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/mainwindow.h"
#include "campusfile.h"
#include "widgettest.h"

#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"
#include "core/planning/search.h"
#include "core/util/expected.h"

#include <QByteArray>
#include <QComboBox>
#include <QCoreApplication>
#include <QFont>
#include <QObject>
#include <QPen>
#include <QRect>
#include <QSignalSpy>
#include <QLabel>
#include <QString>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QTemporaryDir>
#include <QTest>
#include <QVector>
#include <Qt>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

using namespace coinfer;
using namespace coinfer::testing;

class TestComparisonView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    /// The plan the app recommends is `coinfer plan`'s, byte for byte: the same work budget stops
    /// best in both (the fourteen-user case spends its whole budget before its proof).
    void theAppsBestPlanIsTheCommandLines()
    {
        const Expected<Scenario> scenario = readScenario(COINFER_TEST_DATA "/planner/fourteen-users-bmax5.json");
        QVERIFY(scenario);
        PlanRunner runner;
        QSignalSpy finished(&runner, &PlanRunner::finished);
        runner.start(*scenario);
        QVERIFY(finished.wait(120'000));
        const AlgorithmResult* app = runner.result(Algorithm::Best);
        QVERIFY(app && app->plan);
        const CostModel model(*scenario);
        PlanOptions cli;
        cli.control.timeLimitMs = kBestSafetyTimeLimitMs;
        const Expected<Plan> command = makePlan(*scenario, model, Algorithm::Best, nullptr, cli);
        QVERIFY(command);
        QCOMPARE(planToJson(*scenario, *app->plan), planToJson(*scenario, *command));
    }

    void comparisonShowsTheBoundTheGapAndTheRecommendation()
    {
        MainWindow window;
        window.resize(1280, 760);
        window.show();
        QVERIFY(window.openFile(kClassroom, true));
        QVERIFY(waitForPlans(window));
        const ComparisonView* view = window.comparison();
        const QTableWidget* table = view->table();
        QVERIFY(table->horizontalHeaderItem(ComparisonView::BoundColumn)->text().contains("bound"));
        QCOMPARE(table->horizontalHeaderItem(ComparisonView::GapColumn)->text().simplified(), QString("Gap to bound"));
        // The strongest bound over all results: exact and best prove the classroom's optimum.
        const AlgorithmResult* exact = window.runner()->result(Algorithm::Exact);
        QVERIFY(exact && exact->plan && exact->plan->provenOptimal);
        QCOMPARE(view->lowerBoundMj(), exact->plan->totalEnergyMj);
        for (int row = 0; row < table->rowCount(); ++row) {
            const bool feasible = table->item(row, ComparisonView::FeasibleColumn)->text() == "yes";
            const QString gap = table->item(row, ComparisonView::GapColumn)->text();
            QVERIFY2(feasible == gap.endsWith(" %"), qPrintable(gap)); // a gap for every feasible plan, none for the others
            QVERIFY(table->item(row, ComparisonView::BoundColumn)->text().toDouble() > 0);
            if (feasible) {
                const double energyMj = table->item(row, ComparisonView::EnergyColumn)->text().toDouble();
                QVERIFY(std::fabs(gap.chopped(2).toDouble() - 100 * (energyMj - view->lowerBoundMj()) / view->lowerBoundMj()) <
                        0.01);
            }
        }
        QCOMPARE(table->item(0, ComparisonView::GapColumn)->text(), QString("231.87 %")); // local: 294.791 against 88.828
        // Best is the recommended plan: marked in the table and the line above it.
        const int best = rowOf(table, Algorithm::Best);
        QVERIFY(table->item(best, ComparisonView::AlgorithmColumn)->text().contains("recommended"));
        QVERIFY(table->item(best, ComparisonView::EnergyColumn)->font().bold());
        QVERIFY(!table->item(rowOf(table, Algorithm::Og), ComparisonView::EnergyColumn)->font().bold());
        QVERIFY2(view->summary()->text().contains("Recommended: best"), qPrintable(view->summary()->text()));
        // Eight phones never fill the GPU: the devices and deadlines are the limit, and the page says nothing of it.
        QVERIFY(window.runner()->saturation() && !window.runner()->saturation()->saturated);
        QVERIFY(view->saturationMessage().isEmpty());
        QVERIFY(!view->summary()->text().contains("saturated"));
        QCOMPARE(table->item(best, ComparisonView::SearchColumn)->text(), QString("proven optimal"));
        QCOMPARE(table->item(rowOf(table, Algorithm::Exact), ComparisonView::SearchColumn)->text(), QString("proven optimal"));
        QCOMPARE(table->item(rowOf(table, Algorithm::Og), ComparisonView::SearchColumn)->text(), QString("-"));
        checkBestIsLeast(table);
        // The chart draws the bound as a dashed line across every bar, and the legend sits
        // below the bars, never over them.
        ChartView* chart = view->chart();
        QCOMPARE(chart->lineCount(), 1);
        const LineSeries bound = chart->line(0);
        QCOMPARE(bound.name, QString("lower bound"));
        QCOMPARE(bound.pen.style(), Qt::DashLine);
        QCOMPARE(bound.y[0], view->lowerBoundMj());
        QVERIFY(bound.x[0] <= 1 && bound.x[1] >= table->rowCount());
        chart->replot();
        QVERIFY(!chart->legendRect().intersects(chart->plotRect().adjusted(1, 1, -1, -1)));
        QVERIFY(chart->legendRect().top() >= chart->plotRect().bottom() - 1);
        // The Plan page and Export plan start with best.
        QCOMPARE(window.findChild<QComboBox*>("planChoice")->currentText(), QString("best"));
    }

    /// Every row's bound is the one its gap is measured against: at 200 campus users the
    /// heuristics carry a cheaper bound of their own than the one best proves, and a row showing
    /// that beside a gap to the stronger one contradicted itself.
    void eachRowsGapIsToTheBoundItShows()
    {
        QTemporaryDir dir;
        const QString path = writeCampusWithUsers(dir, 200);
        QVERIFY(!path.isEmpty());
        MainWindow window;
        window.resize(1280, 760);
        window.show();
        QVERIFY(window.openFile(path, true));
        QVERIFY(waitForPlans(window));
        const QTableWidget* table = window.comparison()->table();
        double weakestOwnMj = INFINITY, strongestOwnMj = -INFINITY;
        for (const AlgorithmResult& result : window.runner()->results())
            if (result.plan && std::isfinite(result.plan->lowerBoundMj)) {
                weakestOwnMj = std::min(weakestOwnMj, result.plan->lowerBoundMj);
                strongestOwnMj = std::max(strongestOwnMj, result.plan->lowerBoundMj);
            }
        QVERIFY2(weakestOwnMj < strongestOwnMj - 1, "the planners' own bounds agree here: nothing to tell apart");
        for (int row = 0; row < table->rowCount(); ++row) {
            const double boundMj = table->item(row, ComparisonView::BoundColumn)->text().toDouble();
            QVERIFY(std::fabs(boundMj - strongestOwnMj) < 0.001);
            const QString gap = table->item(row, ComparisonView::GapColumn)->text();
            if (!gap.endsWith(" %"))
                continue;
            const double energyMj = table->item(row, ComparisonView::EnergyColumn)->text().toDouble();
            QVERIFY2(std::fabs(gap.chopped(2).toDouble() - 100 * (energyMj - boundMj) / boundMj) < 0.01, qPrintable(gap));
        }
    }

    /// 2,000 campus users queue for one GPU: the page says the GPU is the limit, with the core's
    /// number, on a line of the summary that is shown whole.
    void saturatedGpuIsSaidWithTheLargestSaving()
    {
        QTemporaryDir dir;
        const QString path = writeCampusWithUsers(dir, 2000);
        QVERIFY(!path.isEmpty());
        MainWindow window;
        window.resize(1280, 760);
        window.show();
        QVERIFY(window.openFile(path, true));
        QVERIFY(waitForPlans(window));
        const ComparisonView* view = window.comparison();
        const GpuSaturation expected = gpuSaturation(CostModel(window.runner()->resultsScenario()));
        QVERIFY(expected.saturated);
        const QString sentence = view->saturationMessage();
        QVERIFY2(sentence.startsWith("The GPU is saturated: no plan can save more than " +
                                     QString::fromStdString(formatSavingCap(expected.maxSavingPercent)).replace("%", " %") +
                                     " of the local energy"),
                 qPrintable(sentence));
        QVERIFY(sentence.endsWith("."));
        QVERIFY2(view->summary()->text().contains("<br>" + sentence), qPrintable(view->summary()->text()));
        // No plan on the page saves more than the sentence allows.
        for (const AlgorithmResult& result : window.runner()->results())
            if (result.plan && result.plan->feasible)
                QVERIFY(result.plan->savingPercent <= expected.maxSavingPercent + 1e-9);
        // The summary wraps instead of clipping: the label is as tall as its text needs.
        QTRY_VERIFY(view->summary()->height() >= view->summary()->heightForWidth(view->summary()->width()));
    }

    void zeroUsersGiveASentenceNeverNan()
    {
        // Every user deleted, as a person would: the page says so in words, no NaN anywhere.
        MainWindow window;
        window.resize(1280, 760);
        window.show();
        QVERIFY(window.openFile(kClassroom, true));
        Scenario empty = window.document()->scenario();
        empty.users.clear();
        window.document()->setScenario(empty);
        QVERIFY(waitForPlans(window));
        const ComparisonView* view = window.comparison();
        QVERIFY2(view->emptyMessage().contains("No users"), qPrintable(view->emptyMessage()));
        QVERIFY2(!view->summary()->text().contains("nan", Qt::CaseInsensitive), qPrintable(view->summary()->text()));
        for (int row = 0; row < view->table()->rowCount(); ++row)
            for (int column = 0; column < view->table()->columnCount(); ++column)
                if (const QTableWidgetItem* item = view->table()->item(row, column))
                    QVERIFY2(!item->text().contains("nan", Qt::CaseInsensitive), qPrintable(item->text()));
        QVERIFY(!view->chart()->isVisible());
    }

    void noFeasiblePlanGivesASentence()
    {
        // Deadlines no plan can meet: every planner refuses, and the page says why in words
        // instead of an empty chart.
        MainWindow window;
        window.resize(1280, 760);
        window.show();
        QVERIFY(window.openFile(kClassroom, true));
        Scenario impossible = window.document()->scenario();
        for (User& user : impossible.users)
            user.deadlineMs = 0.001;
        window.document()->setScenario(impossible);
        QVERIFY(waitForPlans(window));
        const ComparisonView* view = window.comparison();
        bool anyPlan = false;
        for (const AlgorithmResult& result : window.runner()->results())
            anyPlan = anyPlan || result.plan.has_value();
        if (anyPlan) {
            // Plans that miss deadlines are charted as late: then there is something to show.
            QVERIFY(view->emptyMessage().isEmpty());
            QVERIFY(view->summary()->text().contains("No plan meets every deadline"));
        } else {
            QVERIFY2(view->emptyMessage().contains("No plan meets every deadline"), qPrintable(view->emptyMessage()));
            QVERIFY(!view->chart()->isVisible());
        }
    }
};

QTEST_MAIN(TestComparisonView)
#include "test_comparisonview.moc"
