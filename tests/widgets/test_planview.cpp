// The plan page: its charts show the plan, and a user clicked anywhere is selected everywhere.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/charts/chartview.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/plancharts.h"
#include "widgets/charts/palette.h"
#include "widgets/views/planview.h"
#include "widgets/views/playercontrols.h"
#include "widgets/views/animationdialog.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"
#include "campusfile.h"
#include "widgettest.h"

#include <QApplication>
#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QImage>
#include <QItemSelectionModel>
#include <QLayout>
#include <QList>
#include <QModelIndex>
#include <QObject>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QTableView>
#include <QImageReader>
#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <QVector>
#include <QWidget>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

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

    void compareModeSharesOneAxisAndOneCursor()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const CostModel model(scenario);
        const Plan og = *makePlan(scenario, model, Algorithm::Og);
        const Plan ipssa = *makePlan(scenario, model, Algorithm::IpSsa);
        PlanView view;
        view.resize(1200, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showPlan(scenario, og);
        view.showComparison(scenario, &ipssa);
        QApplication::processEvents();
        TimelineView* first = view.timeline();
        TimelineView* second = view.comparisonTimeline();
        QVERIFY(second->isVisible());
        // Each names its planner.
        QCOMPARE(first->model().algorithm(), QString::fromStdString(og.algorithm));
        QCOMPARE(second->model().algorithm(), QString::fromStdString(ipssa.algorithm));
        // The colours are named once, above the first: the second's lanes get that row.
        QVERIFY(first->legendShown() && !second->legendShown());
        QVERIFY2(second->lanesTop() < first->lanesTop() - 10,
                 qPrintable(QString("lanes start at %1 and %2").arg(first->lanesTop()).arg(second->lanesTop())));
        // The compare pane opens at a readable height, not one lane tall.
        QVERIFY2(second->height() >= second->lanesTop() + 4 * second->laneHeight(),
                 qPrintable(QString::number(second->height())));
        // The same time is at the same x in both (one axis, in line).
        const double t = std::max(first->model().endMs(), second->model().endMs()) * 0.6;
        const TimelineSegment probe{SegmentKind::Local, 0, t, t};
        QCOMPARE(first->mapTo(&view, first->segmentRect(probe).topLeft()).x(),
                 second->mapTo(&view, second->segmentRect(probe).topLeft()).x());
        // Zooming or panning one moves the other.
        first->zoom(4, t);
        QCOMPARE(second->windowStartMs(), first->windowStartMs());
        QCOMPARE(second->windowSpanMs(), first->windowSpanMs());
        second->setTimeWindow(second->windowStartMs() + 5, second->windowSpanMs());
        QCOMPARE(first->windowStartMs(), second->windowStartMs());
        // One cursor: played to 300 ms and rewound, both stand at 0.
        view.player()->seek(300);
        QCOMPARE(second->cursorMs(), first->cursorMs());
        QVERIFY(second->cursorMs() > 0);
        view.player()->stop();
        QCOMPARE(first->cursorMs(), 0.0);
        QCOMPARE(second->cursorMs(), 0.0);
        view.showComparison(scenario, nullptr);
        QVERIFY(!second->isVisible());
    }

    /// Eight users all fit in the timeline with room to spare: the room below the last lane
    /// goes to the charts (they had about 120 px at 1600x950 and crowded their axes).
    void theChartsGetTheRoomTheLanesDoNotNeed()
    {
        const Scenario scenario = *readScenario(COINFER_EXAMPLES "/classroom-split.json");
        const Plan ipssa = *makePlan(scenario, CostModel(scenario), Algorithm::IpSsa);
        PlanView view;
        view.resize(1600, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showPlan(scenario, ipssa);
        QApplication::processEvents();
        const TimelineView* timeline = view.timeline();
        const QWidget* charts = view.findChild<PlanCharts*>();
        QVERIFY(charts);
        const double lanesEnd = timeline->lanesTop() + timeline->rowCount() * (timeline->laneHeight() + 4.0);
        QVERIFY2(lanesEnd <= timeline->height() + 1, qPrintable(QString("%1 > %2").arg(lanesEnd).arg(timeline->height())));
        QVERIFY2(timeline->height() - lanesEnd < timeline->laneHeight(),
                 qPrintable(QString("%1 px empty below the last lane").arg(timeline->height() - lanesEnd)));
        QVERIFY2(charts->height() > timeline->height(),
                 qPrintable(QString("charts %1 px, timeline %2 px").arg(charts->height()).arg(timeline->height())));
        // Compared with a second plan, both still show every lane.
        const Plan og = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        view.showComparison(scenario, &og);
        QApplication::processEvents();
        for (const TimelineView* shown : {view.timeline(), view.comparisonTimeline()})
            QVERIFY(shown->lastVisibleRow() == shown->rowCount() - 1 && shown->verticalScrollBar()->maximum() == 0);
    }

    /// 2,000 users compared at the size the plan page has in a 1600x950 window: the charts keep
    /// a third of the room (at their least height their axis titles were cut), and the two lists
    /// of lanes scroll together while their rows hold the same users, so a user scrolled to in
    /// one is beside the same user in the other.
    void twoThousandUsersComparedScrollTogether()
    {
        QTemporaryDir dir;
        const Scenario scenario = *readScenario(writeCampusWithUsers(dir, 2000).toStdString());
        const CostModel model(scenario);
        const Plan og = *makePlan(scenario, model, Algorithm::Og);
        const Plan ipssa = *makePlan(scenario, model, Algorithm::IpSsa);
        PlanView view;
        view.resize(1100, 780);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showPlan(scenario, ipssa);
        view.timeline()->scrollToRow(100);
        view.showComparison(scenario, &og);
        QApplication::processEvents();
        TimelineView* first = view.timeline();
        TimelineView* second = view.comparisonTimeline();
        const QWidget* charts = view.charts();
        const int room = charts->height() + first->height() + second->height();
        QVERIFY2(charts->height() >= room / 3 - 2, qPrintable(QString("charts %1 px of %2").arg(charts->height()).arg(room)));
        for (const TimelineView* shown : {first, second})
            QVERIFY2(shown->height() >= shown->lanesTop() + 4 * shown->laneHeight(),
                     qPrintable(QString("a timeline %1 px tall").arg(shown->height())));
        // Opened beside lanes scrolled to row 100, the compared plan shows the same rows.
        QCOMPARE(second->firstVisibleRow(), first->firstVisibleRow());
        QCOMPARE(first->userAtRow(first->firstVisibleRow()), 100);
        // Scrolled in either, both show the same users.
        second->scrollToRow(700);
        QCOMPARE(first->firstVisibleRow(), 700);
        first->verticalScrollBar()->setValue(first->verticalScrollBar()->value() + 3 * first->verticalScrollBar()->singleStep());
        QCOMPARE(second->userAtRow(second->firstVisibleRow()), first->userAtRow(first->firstVisibleRow()));
        // By group the rows are each plan's own, and each list keeps its own scroll.
        auto* order = view.findChild<QComboBox*>("laneOrder");
        QVERIFY(order);
        order->setCurrentIndex(static_cast<int>(LaneOrder::Group));
        QApplication::processEvents();
        const int secondBefore = second->verticalScrollBar()->value();
        first->verticalScrollBar()->setValue(secondBefore + 10 * first->verticalScrollBar()->singleStep());
        QCOMPARE(second->verticalScrollBar()->value(), secondBefore);
    }

    void laneOrderComboSortsBothTimelines()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan og = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        PlanView view;
        view.showPlan(scenario, og);
        auto* order = view.findChild<QComboBox*>("laneOrder");
        QVERIFY(order);
        order->setCurrentIndex(1); // by deadline
        QCOMPARE(view.timeline()->laneOrder(), LaneOrder::Deadline);
        for (int row = 1; row < view.timeline()->rowCount(); ++row)
            QVERIFY(og.users[static_cast<size_t>(view.timeline()->userAtRow(row - 1))].deadlineMs <=
                    og.users[static_cast<size_t>(view.timeline()->userAtRow(row))].deadlineMs);
    }

    /// The plan page's player row: its words, speeds against the plan's length, the lane
    /// order between the scrub bar and Fit, and Ctrl+0 fitting both timelines.
    void thePlayerRowIsThePlanPages()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const CostModel model(scenario);
        const Plan og = *makePlan(scenario, model, Algorithm::Og);
        const Plan ipssa = *makePlan(scenario, model, Algorithm::IpSsa);
        PlanView view;
        view.resize(1200, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowActive(&view));
        view.showPlan(scenario, og);
        view.showComparison(scenario, &ipssa);
        auto* row = view.findChild<PlayerControls*>();
        QVERIFY(row);
        QCOMPARE(row->stepBackButton()->text(), QString("< Step"));
        QCOMPARE(row->stepForwardButton()->text(), QString("Step >"));
        QCOMPARE(row->fitButton()->text(), QString("Fit"));
        QCOMPARE(row->speedChooser()->currentText(), QString("1x"));
        row->speedChooser()->setCurrentText("2x");
        QCOMPARE(view.player()->speed(), view.player()->endMs() / 10.0 * 2);
        auto* layout = qobject_cast<QHBoxLayout*>(row->layout());
        QVERIFY(layout);
        QCOMPARE(layout->indexOf(view.findChild<QComboBox*>("laneOrder")), layout->indexOf(row->fitButton()) - 1);
        for (TimelineView* timeline : {view.timeline(), view.comparisonTimeline()})
            timeline->zoom(4, timeline->model().endMs() / 2);
        QVERIFY(view.comparisonTimeline()->windowSpanMs() < view.comparisonTimeline()->axisEndMs());
        QTest::keyClick(&view, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(view.timeline()->windowSpanMs(), view.timeline()->axisEndMs());
        QCOMPARE(view.comparisonTimeline()->windowSpanMs(), view.comparisonTimeline()->axisEndMs());
    }

    void anExportIsConfirmed()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan og = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        PlanView view;
        view.showPlan(scenario, og);
        QTemporaryDir dir;
        AnimationDialog dialog;
        dialog.setSettings({true, 10, 1, QSize(320, 180), AnimationLanes::AllScaled, dir.path() + "/plan"});
        const AnimationSettings settings = dialog.settings();
        QVERIFY(settings.target.endsWith("/plan.gif")); // a GIF target ends in .gif
        QCOMPARE(settings.frameCount(), 10);
        QSignalSpy messages(&view, &PlanView::statusMessage);
        view.exportAnimationAs(settings);
        QVERIFY(messages.wait(20000));
        QVERIFY2(messages.front().front().toString().contains("10 frames"), qPrintable(messages.front().front().toString()));
        QCOMPARE(QImageReader(settings.target).imageCount(), 10);
    }

    /// With a plan compared, the animation holds what the page shows: both timelines, one above
    /// the other, each named (it held only the first plan).
    void theAnimationHoldsBothComparedPlans()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan ipssa = *makePlan(scenario, CostModel(scenario), Algorithm::IpSsa);
        const Plan og = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        PlanView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showPlan(scenario, ipssa);
        view.showComparison(scenario, &og);
        QTemporaryDir dir;
        const AnimationSettings settings{false, 10, 1, QSize(640, 720), AnimationLanes::AllScaled, dir.path()};
        QSignalSpy messages(&view, &PlanView::statusMessage);
        view.exportAnimationAs(settings);
        QVERIFY(messages.wait(20000));
        const QImage last(dir.filePath("frame-0010.png"));
        QCOMPARE(last.size(), QSize(640, 720));
        // Each half is one plan's timeline: the GPU batch colour in both halves, and the halves
        // differ (IP-SSA's one round against OG's groups).
        const auto batchRows = [&last](int from, int to) {
            int rows = 0;
            for (int y = from; y < to; ++y)
                for (int x = 0; x < last.width(); ++x)
                    if (last.pixelColor(x, y) == palette::gpuBatch()) {
                        ++rows;
                        break;
                    }
            return rows;
        };
        QVERIFY(batchRows(0, 360) > 0);
        QVERIFY(batchRows(360, 720) > 0);
        QVERIFY(last.copy(0, 0, 640, 360) != last.copy(0, 360, 640, 360));
    }

    /// Each half of a compared animation names its own planner in its energy line (the
    /// second half said "this plan" too). The same plan under two names: the right of the
    /// status line, where the energy is, differs only if the names are in it.
    void eachAnimatedHalfNamesItsPlanner()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan first = *makePlan(scenario, CostModel(scenario), Algorithm::IpSsa);
        Plan renamed = first;
        renamed.algorithm = "og";
        PlanView view;
        view.resize(1600, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showPlan(scenario, first);
        view.showComparison(scenario, &renamed);
        QTemporaryDir dir;
        const AnimationSettings settings{false, 2, 1, QSize(1600, 720), AnimationLanes::AllScaled, dir.path()};
        QSignalSpy messages(&view, &PlanView::statusMessage);
        view.exportAnimationAs(settings);
        QVERIFY(messages.wait(20000));
        const QImage last(dir.filePath("frame-0002.png"));
        QCOMPARE(last.size(), QSize(1600, 720));
        // The legend's two rows, right half: only the status line is drawn there.
        const QRect status(800, 0, 800, 50);
        QVERIFY(last.copy(status) != last.copy(status.translated(0, 360)));
    }
};

QTEST_MAIN(TestPlanView)
#include "test_planview.moc"
