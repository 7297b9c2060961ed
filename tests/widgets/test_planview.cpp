// The plan page: its charts show the plan, and a user clicked anywhere is selected everywhere.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "widgets/charts/chartview.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/plancharts.h"
#include "widgets/views/planview.h"
#include "widgettest.h"

#include <QItemSelectionModel>
#include <QTableView>
#include <QTest>

#include <cmath>
#include <numeric>

using namespace coinfer;
using namespace coinfer::testing;

class TestPlanView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void clickingAUserSelectsItEverywhere()
    {
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        QVERIFY(waitForPlans(window));
        window.showPlanOf("og");
        window.selectUser(3);
        QTableView* table = window.findChild<QTableView*>();
        QVERIFY(table);
        QCOMPARE(table->selectionModel()->currentIndex().row(), 3);
        emit window.planView()->userClicked(5);
        QCOMPARE(table->selectionModel()->currentIndex().row(), 5);
    }

    void chartsShowThePlan()
    {
        // Per user, computing and uploading stack up to the plan's energy, computing locally
        // stands beside them; the histogram counts every user once.
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        PlanView view;
        view.showPlan(scenario, plan);
        const ChartView* energy = view.charts()->energyChart();
        QCOMPARE(energy->barSeriesCount(), 3);
        const BarSeries compute = energy->barSeries(0), upload = energy->barSeries(1), local = energy->barSeries(2);
        QCOMPARE(compute.name, QString("plan: computing"));
        QCOMPARE(upload.name, QString("plan: uploading"));
        QCOMPARE(local.name, QString("local only"));
        QCOMPARE(compute.x.size(), qsizetype(scenario.userCount()));
        for (int m = 0; m < scenario.userCount(); ++m) {
            const User& user = scenario.users[static_cast<size_t>(m)];
            QVERIFY(std::fabs(compute.y[m] + upload.y[m] - plan.users[static_cast<size_t>(m)].energyMj) < 1e-9);
            QVERIFY(std::fabs(local.y[m] - std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0)) < 1e-9);
        }
        QCOMPARE(energy->axisRange(ChartAxis::Left).first, 0.0);
        QCOMPARE(view.charts()->partitionChart()->barSeriesCount(), 1);
        const BarSeries counts = view.charts()->partitionChart()->barSeries(0);
        QCOMPARE(counts.x.size(), qsizetype(scenario.dnn.subtaskCount() + 1));
        QCOMPARE(std::accumulate(counts.y.begin(), counts.y.end(), 0.0), double(scenario.userCount()));
        // Showing another plan replaces the bars instead of adding to them.
        view.showPlan(scenario, *makePlan(scenario, CostModel(scenario), Algorithm::IpSsa));
        QCOMPARE(energy->barSeriesCount(), 3);
        QCOMPARE(view.charts()->partitionChart()->barSeriesCount(), 1);
    }
};

QTEST_MAIN(TestPlanView)
#include "test_planview.moc"
