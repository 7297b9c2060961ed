// The timeline: geometry that follows the plan, the player, the energy meters, the frame time
// of a large plan, zoom, pan, tooltips and the comparison timeline.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/planview.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"
#include "widgettest.h"

#include <QApplication>
#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QImage>
#include <QMessageLogContext>
#include <QMouseEvent>
#include <QObject>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QRgb>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QScrollBar>
#include <QWheelEvent>
#include <Qt>

#include "widgets/charts/palette.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

using namespace coinfer;
using namespace coinfer::testing;

namespace {

/// A synthetic plan (for drawing only) of @p users classroom phones: each uploads, waits and
/// runs three sub-tasks in batches of up to 50; deadlines spread over three values, groups of
/// 100, and every @p lateEvery-th user finishes after its deadline (0: none).
std::pair<Scenario, Plan> syntheticPlan(int users, int lateEvery = 0)
{
    Scenario scenario = *readScenario(kClassroom.toStdString());
    const User model = scenario.users[0];
    scenario.users.clear();
    Plan plan;
    plan.algorithm = "synthetic";
    for (int m = 0; m < users; ++m) {
        User user = model;
        user.id = "u" + std::to_string(m);
        user.deviceClass = m % 3 == 0 ? "" : m % 3 == 1 ? "fast" : "slow";
        scenario.users.push_back(user);
        const double deadline = 100.0 + 50.0 * ((m * 7) % 3);
        const double upload = 5.0 + m % 7;
        plan.users.push_back({1 + m % 4, m / 100, 10.0, upload, upload + 8, 0.0, deadline});
    }
    double clockMs = 20;
    for (int subtask = 1; subtask <= 3; ++subtask)
        for (int first = 0; first < users; first += 50) {
            TimedBatch batch{subtask, {}, clockMs, clockMs + 0.5};
            for (int m = first; m < std::min(users, first + 50); ++m) {
                batch.users.push_back(m);
                plan.users[static_cast<size_t>(m)].finishMs = batch.endMs;
            }
            clockMs = batch.endMs;
            plan.batches.push_back(batch);
        }
    for (int m = 0; m < users; ++m) {
        UserOutcome& user = plan.users[static_cast<size_t>(m)];
        user.finishMs = std::min(user.finishMs, user.deadlineMs - 1);
        if (lateEvery > 0 && m % lateEvery == lateEvery - 1)
            user.finishMs = user.deadlineMs + 7;
    }
    return {scenario, plan};
}

QWheelEvent wheel(const QPointF& at, int notches, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    return QWheelEvent(at, at, QPoint(), QPoint(0, 120 * notches), Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
}

} // namespace

class TestTimelineView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void timelineGeometryFollowsThePlan()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const CostModel model(scenario);
        const Plan plan = *makePlan(scenario, model, Algorithm::Og);
        const TimelineModel timeline(scenario, plan);
        QCOMPARE(timeline.laneCount(), 9); // 8 users and the GPU
        int gpuSegments = 0, edgeSegments = 0;
        for (const TimelineSegment& segment : timeline.segments()) {
            QVERIFY(segment.endMs >= segment.startMs);
            if (segment.kind == SegmentKind::GpuBatch) {
                ++gpuSegments;
                const TimedBatch& batch = plan.batches[static_cast<size_t>(segment.batch)];
                QCOMPARE(segment.startMs, batch.startMs);
                QCOMPARE(segment.endMs, batch.endMs);
                QCOMPARE(segment.lane, 8);
            }
            if (segment.kind == SegmentKind::Edge) {
                ++edgeSegments;
                const TimedBatch& batch = plan.batches[static_cast<size_t>(segment.batch)];
                QVERIFY(std::find(batch.users.begin(), batch.users.end(), segment.lane) != batch.users.end());
            }
            if (segment.kind == SegmentKind::Upload) {
                QCOMPARE(segment.startMs, plan.users[static_cast<size_t>(segment.lane)].uploadStartMs);
                QCOMPARE(segment.endMs, plan.users[static_cast<size_t>(segment.lane)].uploadEndMs);
            }
            if (segment.kind == SegmentKind::Local)
                QCOMPARE(segment.endMs, plan.users[static_cast<size_t>(segment.lane)].uploadStartMs);
        }
        QCOMPARE(gpuSegments, static_cast<int>(plan.batches.size()));
        long long members = 0;
        for (const TimedBatch& batch : plan.batches)
            members += static_cast<long long>(batch.users.size());
        QCOMPARE(static_cast<long long>(edgeSegments), members);
        QVERIFY(timeline.endMs() >= 300.0); // the latest deadline
        // Rectangles scale with time: a segment twice as long is twice as wide.
        TimelineView view;
        view.resize(1090, 300);
        view.setModel(timeline);
        const QRectF whole = view.segmentRect({SegmentKind::Local, 0, 0.0, timeline.endMs()});
        const QRectF half = view.segmentRect({SegmentKind::Local, 0, 0.0, timeline.endMs() / 2});
        QVERIFY(std::fabs(whole.width() - 2 * half.width()) < 1e-6);
    }

    void playerStateMachine()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        const TimelineModel timeline(scenario, plan);
        SchedulePlayer player;
        QSignalSpy states(&player, &SchedulePlayer::stateChanged);
        player.setTimeline(timeline);
        QCOMPARE(player.state(), SchedulePlayer::State::Stopped);
        QCOMPARE(player.timeMs(), 0.0);
        QCOMPARE(player.speed(), timeline.endMs() / 10); // a plan plays in 10 s
        player.advance(1.0);
        QCOMPARE(player.timeMs(), 0.0); // stopped: time does not move
        player.play();
        QCOMPARE(player.state(), SchedulePlayer::State::Playing);
        player.advance(1.0);
        QVERIFY(std::fabs(player.timeMs() - timeline.endMs() / 10) < 1e-9);
        player.pause();
        QCOMPARE(player.state(), SchedulePlayer::State::Paused);
        player.advance(1.0);
        QVERIFY(std::fabs(player.timeMs() - timeline.endMs() / 10) < 1e-9);
        // Stepping lands on the next event: the first batch's start is one.
        player.stop();
        const double firstBatch = plan.batches.front().startMs;
        while (player.timeMs() < firstBatch - 1e-9)
            player.stepForward();
        QCOMPARE(player.timeMs(), firstBatch);
        QCOMPARE(player.state(), SchedulePlayer::State::Paused);
        player.stepForward();
        QVERIFY(player.timeMs() > firstBatch);
        player.stepBackward();
        QCOMPARE(player.timeMs(), firstBatch);
        player.seek(-5);
        QCOMPARE(player.timeMs(), 0.0);
        player.seek(1e9);
        QCOMPARE(player.timeMs(), timeline.endMs());
        // Playing at the end starts over; playing through the end pauses there.
        player.play();
        QCOMPARE(player.timeMs(), 0.0);
        player.setSpeed(timeline.endMs());
        player.advance(2.0);
        QCOMPARE(player.timeMs(), timeline.endMs());
        QCOMPARE(player.state(), SchedulePlayer::State::Paused);
        QVERIFY(states.count() >= 5);
    }

    void energyMetersFillUpToThePlan()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        const TimelineModel timeline(scenario, plan);
        double planEnd = 0, localEnd = 0;
        for (size_t m = 0; m < timeline.energies().size(); ++m) {
            const LaneEnergy& energy = timeline.energies()[m];
            QCOMPARE(energy.planAt(0), 0.0);
            QVERIFY(energy.planAt(timeline.endMs() / 3) <= energy.planAt(timeline.endMs() / 2) + 1e-12);
            QVERIFY(std::fabs(energy.planAt(timeline.endMs()) - plan.users[m].energyMj) < 1e-9);
            planEnd += energy.planAt(timeline.endMs());
            localEnd += energy.localAt(timeline.endMs());
        }
        QVERIFY(std::fabs(planEnd - plan.totalEnergyMj) < 1e-9);
        QVERIFY(std::fabs(localEnd - plan.localEnergyMj) < 1e-9);
    }

    void frameTimeWith500UsersAnd10000Batches()
    {
        // A synthetic plan (for drawing only): 500 users, 10,000 single-member batches.
        Scenario scenario = *readScenario(kClassroom.toStdString());
        const User model = scenario.users[0];
        scenario.users.clear();
        Plan plan;
        for (int m = 0; m < 500; ++m) {
            User user = model;
            user.id = "u" + std::to_string(m);
            scenario.users.push_back(user);
            plan.users.push_back({0, 0, 10.0, 0.0, 5.0 + m % 7, 100.0, 120.0});
        }
        for (int b = 0; b < 10'000; ++b)
            plan.batches.push_back({1 + b % 5, {b % 500}, b * 0.01, b * 0.01 + 0.009});
        const TimelineModel timeline(scenario, plan);
        TimelineView view;
        view.resize(1280, 720);
        view.setModel(timeline);
        QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
        constexpr int frames = 60;
        QElapsedTimer timer;
        timer.start();
        for (int k = 0; k < frames; ++k) {
            view.setCursorMs(timeline.endMs() * k / frames);
            view.render(&image);
        }
        const double frameMs = static_cast<double>(timer.nsecsElapsed()) / 1e6 / frames;
        qInfo("500 users, 10,000 batches: %.2f ms per 1280x720 frame (60 fps needs 16.7 ms)", frameMs);
        QVERIFY(frameMs < 100); // a loose bound: the figure is recorded, not enforced on a shared machine
    }

    void scrollingReachesTheLastLaneWithTheGpuPinned()
    {
        const auto [scenario, plan] = syntheticPlan(200);
        TimelineView view;
        view.resize(1000, 500);
        view.setModel(TimelineModel(scenario, plan));
        const int gpu = view.model().gpuLane();
        const double gpuTop = view.laneTop(gpu), firstUserTop = view.laneTop(0);
        QVERIFY(view.verticalScrollBar()->maximum() > 0);
        QCOMPARE(view.firstVisibleRow(), 0);
        QVERIFY(view.lastVisibleRow() < 199);
        view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum());
        QCOMPARE(view.lastVisibleRow(), 199);
        QCOMPARE(view.userAtRow(view.lastVisibleRow()), 199);
        const TimelineSegment lastUpload{SegmentKind::Upload, 199, plan.users[199].uploadStartMs, plan.users[199].uploadEndMs};
        QVERIFY(view.segmentRect(lastUpload).bottom() <= view.height());
        QVERIFY(view.segmentRect(lastUpload).top() >= view.lanesTop());
        // The GPU lane has not moved; the users have, under it.
        QCOMPARE(view.laneTop(gpu), gpuTop);
        QVERIFY(view.laneTop(0) < firstUserTop - 100);
        QVERIFY(view.lanesTop() > gpuTop + view.laneHeight());
        // Painted, the GPU lane still shows its batches' colour at the top.
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        const TimelineSegment& batch = *std::find_if(view.model().segments().begin(), view.model().segments().end(),
                                                     [](const TimelineSegment& s) { return s.kind == SegmentKind::GpuBatch; });
        QCOMPARE(QColor(image.pixel(view.segmentRect(batch).center().toPoint())), palette::gpuBatch());
    }

    /// The overview strip shows only while some lanes are out of view: with every lane on
    /// screen it would repeat them in small. Its window mark is in the selection colour.
    void theOverviewShowsOnlyWhenLanesScroll()
    {
        const auto selectionPixelsInOverview = [](int users) {
            const auto [scenario, plan] = syntheticPlan(users);
            TimelineView view;
            view.resize(1000, 500);
            view.setModel(TimelineModel(scenario, plan));
            QImage image(view.size(), QImage::Format_RGB32);
            view.render(&image);
            const QRect strip = view.overviewRect().toAlignedRect().intersected(image.rect());
            int count = 0;
            for (int y = strip.top(); y <= strip.bottom(); ++y)
                for (int x = strip.left(); x <= strip.right(); ++x)
                    count += QColor(image.pixel(x, y)) == palette::selection();
            return count;
        };
        QCOMPARE(selectionPixelsInOverview(8), 0);
        QCOMPARE(selectionPixelsInOverview(4), 0);
        QVERIFY(selectionPixelsInOverview(200) > 0);
    }

    void theWheelScrollsAndCtrlWheelZooms()
    {
        const auto [scenario, plan] = syntheticPlan(300);
        TimelineView view;
        view.resize(1000, 500);
        view.setModel(TimelineModel(scenario, plan));
        const QPointF middle(500, 300);
        auto down = wheel(middle, -2);
        QApplication::sendEvent(&view, &down);
        QVERIFY(view.verticalScrollBar()->value() > 0);
        QVERIFY(view.firstVisibleRow() >= 5);
        const int scrolled = view.verticalScrollBar()->value();
        const double span = view.windowSpanMs();
        auto zoomIn = wheel(middle, 1, Qt::ControlModifier);
        QApplication::sendEvent(&view, &zoomIn);
        QVERIFY(view.windowSpanMs() < span);
        QCOMPARE(view.verticalScrollBar()->value(), scrolled);
    }

    void lanesSortByDeadlineAndGroupUnderHeaders()
    {
        const auto [scenario, plan] = syntheticPlan(250);
        TimelineView view;
        view.resize(1000, 500);
        view.setModel(TimelineModel(scenario, plan));
        view.setLaneOrder(LaneOrder::Deadline);
        QCOMPARE(view.rowCount(), 250);
        std::vector<int> seen;
        for (int row = 0; row < view.rowCount(); ++row) {
            seen.push_back(view.userAtRow(row));
            if (row > 0)
                QVERIFY(plan.users[static_cast<size_t>(view.userAtRow(row - 1))].deadlineMs <=
                        plan.users[static_cast<size_t>(view.userAtRow(row))].deadlineMs);
        }
        std::sort(seen.begin(), seen.end());
        QCOMPARE(std::unique(seen.begin(), seen.end()) - seen.begin(), 250L);
        QVERIFY(plan.users[static_cast<size_t>(view.userAtRow(0))].deadlineMs <
                plan.users[static_cast<size_t>(view.userAtRow(249))].deadlineMs);
        // Grouped by round: a header above each group, and every user under its group's header.
        view.setLaneOrder(LaneOrder::Group);
        QCOMPARE(view.rowCount(), 250 + 3); // groups 0, 1 and 2
        int headerGroup = -1, headers = 0;
        for (int row = 0; row < view.rowCount(); ++row) {
            if (view.userAtRow(row) < 0) {
                ++headers;
                headerGroup = plan.users[static_cast<size_t>(view.userAtRow(row + 1))].group;
                QVERIFY2(view.headerAtRow(row).contains(QString::number(headerGroup)), qPrintable(view.headerAtRow(row)));
                continue;
            }
            QCOMPARE(plan.users[static_cast<size_t>(view.userAtRow(row))].group, headerGroup);
        }
        QCOMPARE(headers, 3);
        view.setLaneOrder(LaneOrder::DeviceClass);
        QVERIFY(view.headerAtRow(0).contains("No device class")); // the empty class sorts first, named
        // Rows under a header share its class.
        for (int row = 1; row < view.rowCount() && view.userAtRow(row) >= 0; ++row)
            QVERIFY(scenario.users[static_cast<size_t>(view.userAtRow(row))].deviceClass.empty());
    }

    /// The users who compute alone (group -1 in a plan) are named as such and listed after
    /// the rounds, not as "Group (round) -1" above them.
    void usersComputingAloneComeLastUnderTheirOwnName()
    {
        auto [scenario, plan] = syntheticPlan(40);
        for (int m = 0; m < 10; ++m)
            plan.users[static_cast<size_t>(m)].group = -1;
        TimelineView view;
        view.resize(1000, 500);
        view.setModel(TimelineModel(scenario, plan));
        view.setLaneOrder(LaneOrder::Group);
        QStringList headers;
        int lastHeaderRow = -1;
        for (int row = 0; row < view.rowCount(); ++row)
            if (view.userAtRow(row) < 0) {
                headers << view.headerAtRow(row);
                lastHeaderRow = row;
            }
        QVERIFY2(!headers.join("|").contains("-1"), qPrintable(headers.join("|")));
        QCOMPARE(headers.last(), QString("Computed on the phone alone: 10 user(s)"));
        for (int row = lastHeaderRow + 1; row < view.rowCount(); ++row)
            QCOMPARE(plan.users[static_cast<size_t>(view.userAtRow(row))].group, -1);
    }

    /// Short batches back to back stay apart (a one-pixel gap) and carry their sub-task where a
    /// small digit fits: six batches of 0.5 ms read as six labelled blocks, not as one.
    void shortBatchesStayApartAndLabelled()
    {
        const auto [scenario, plan] = syntheticPlan(100); // six GPU batches of 0.5 ms, back to back from 20 ms
        QCOMPARE(plan.batches.size(), size_t(6));
        TimelineView view;
        view.resize(1000, 400);
        view.setModel(TimelineModel(scenario, plan));
        const double span = 0.5 / 11 * (view.plotRight() - view.plotLeft()); // each batch about 11 px wide
        view.setTimeWindow(20 - span / 4, span);
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        const int gpu = view.model().gpuLane();
        const int y = static_cast<int>(view.laneTop(gpu) + 2);
        int runs = 0;
        bool inRun = false;
        for (int x = static_cast<int>(view.plotLeft()); x < static_cast<int>(view.plotRight()); ++x) {
            const bool batchColour = image.pixelColor(x, y) == palette::gpuBatch();
            runs += batchColour && !inRun;
            inRun = batchColour;
        }
        QCOMPARE(runs, 6);
        // Each block holds white pixels: its label.
        for (const TimedBatch& batch : plan.batches) {
            const QRectF box = view.segmentRect({SegmentKind::GpuBatch, gpu, batch.startMs, batch.endMs});
            bool white = false;
            for (int x = static_cast<int>(box.left()) + 1; x < static_cast<int>(box.right()) - 1 && !white; ++x)
                for (int row = static_cast<int>(box.top()); row < static_cast<int>(box.bottom()) && !white; ++row)
                    white = image.pixelColor(x, row) == QColor(Qt::white);
            QVERIFY2(white, qPrintable(QString("batch at %1 ms, %2 px wide").arg(batch.startMs).arg(box.width())));
        }
    }

    void zoomIsClampedAndFitRestores()
    {
        const auto [scenario, plan] = syntheticPlan(100);
        TimelineView view;
        view.resize(1000, 400);
        view.setModel(TimelineModel(scenario, plan));
        const double whole = view.windowSpanMs();
        QCOMPARE(whole, view.model().endMs());
        for (int k = 0; k < 200; ++k)
            view.zoom(1.25, whole / 2);
        QCOMPARE(view.windowSpanMs(), view.minSpanMs());
        QVERIFY(view.minSpanMs() > 0);
        QVERIFY(std::isfinite(view.windowStartMs()));
        for (int k = 0; k < 400; ++k)
            view.zoom(0.8, whole / 2);
        QCOMPARE(view.windowSpanMs(), whole); // never wider than the plan
        QCOMPARE(view.windowStartMs(), 0.0);
        // Zoomed, panned and scrolled away, Fit shows everything from the top.
        view.setTimeWindow(whole / 2, whole / 10);
        view.verticalScrollBar()->setValue(200);
        view.fitToWindow();
        QCOMPARE(view.windowStartMs(), 0.0);
        QCOMPARE(view.windowSpanMs(), whole);
        QCOMPARE(view.verticalScrollBar()->value(), 0);
        // A window past the end is pulled back inside the plan.
        view.setTimeWindow(whole * 5, whole / 4);
        QVERIFY(view.windowStartMs() + view.windowSpanMs() <= whole + 1e-9);
    }

    void theViewFollowsThePlayCursor()
    {
        const auto [scenario, plan] = syntheticPlan(50);
        TimelineView view;
        view.resize(1000, 400);
        view.setModel(TimelineModel(scenario, plan));
        const double end = view.model().endMs();
        view.setTimeWindow(0, end / 10);
        view.setCursorMs(end * 0.8);
        QVERIFY(view.windowStartMs() <= end * 0.8 && end * 0.8 <= view.windowStartMs() + view.windowSpanMs());
        QVERIFY(std::fabs(view.windowSpanMs() - end / 10) < 1e-9); // the zoom is kept
        view.setCursorMs(0);                                       // rewinding brings the window back
        QCOMPARE(view.windowStartMs(), 0.0);
        view.setFollowCursor(false);
        view.setCursorMs(end * 0.8);
        QCOMPARE(view.windowStartMs(), 0.0);
    }

    void lateUsersAreCountedAndMarkedRed()
    {
        const auto [scenario, plan] = syntheticPlan(40, 8); // users 7, 15, 23, 31, 39 are late
        TimelineView view;
        view.resize(1100, 1200);
        view.setModel(TimelineModel(scenario, plan));
        QCOMPARE(view.model().lateCount(), 5);
        QVERIFY(view.model().facts()[7].late);
        QVERIFY(!view.model().facts()[6].late);
        QVERIFY2(view.lateSummary().startsWith("5 of 40"), qPrintable(view.lateSummary()));
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        // The time past the deadline is red in the late lane and not in its neighbour.
        const UserOutcome& late = plan.users[7];
        const double x = view.segmentRect({SegmentKind::Local, 7, late.deadlineMs, late.finishMs}).center().x();
        const double bottom = view.laneTop(7) + view.laneHeight() - 2;
        QCOMPARE(QColor(image.pixel(static_cast<int>(x), static_cast<int>(bottom))), palette::late());
        const double neighbour = view.laneTop(6) + view.laneHeight() - 2;
        QVERIFY(QColor(image.pixel(static_cast<int>(x), static_cast<int>(neighbour))) != palette::late());
        QVERIFY(view.describeAt(QPointF(x, bottom)).contains("late"));
    }

    /// A plan that sends nobody to the GPU (local, or OG on a saturated campus) says so beside
    /// its title, in words drawn on the status line; a plan with batches says nothing of it.
    void anIdleGpuIsSaidNotLeftBlank()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const CostModel model(scenario);
        TimelineView view;
        view.resize(1100, 500);
        view.setModel(TimelineModel(scenario, *makePlan(scenario, model, Algorithm::Local)));
        QVERIFY2(view.idleGpuSummary().contains("no user offloads"), qPrintable(view.idleGpuSummary()));
        const auto statusRowInk = [&view] {
            QImage image(view.size(), QImage::Format_RGB32);
            view.render(&image);
            int ink = 0; // dark pixels right of the title, on the status row
            for (int y = static_cast<int>(view.titleTop()); y < static_cast<int>(view.titleTop() + 14); ++y)
                for (int x = 120; x < 500; ++x)
                    ink += qGray(image.pixel(x, y)) < 120;
            return ink;
        };
        const int withNote = statusRowInk();
        view.setModel(TimelineModel(scenario, *makePlan(scenario, model, Algorithm::Og)));
        QVERIFY(view.idleGpuSummary().isEmpty());
        QVERIFY2(withNote > statusRowInk() + 50, qPrintable(QString("%1 dark pixels with the note").arg(withNote)));
    }

    void noUsersSaysSoInsteadOfAnAxis()
    {
        Scenario scenario = *readScenario(kClassroom.toStdString());
        scenario.users.clear();
        TimelineView view;
        view.resize(800, 300);
        view.setModel(TimelineModel(scenario, Plan{}));
        QVERIFY(view.emptyMessage().startsWith("No users"));
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image); // nothing to divide by zero: no axis, no lanes
        QCOMPARE(view.model().userCount(), 0);
        const auto [some, plan] = syntheticPlan(3);
        view.setModel(TimelineModel(some, plan));
        QVERIFY(view.emptyMessage().isEmpty());
    }

    void aBatchLinksItsMembers()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        TimelineView view;
        view.resize(1200, 400);
        view.setModel(TimelineModel(scenario, plan));
        const TimelineSegment batch = *std::find_if(view.model().segments().begin(), view.model().segments().end(),
                                                    [](const TimelineSegment& s) { return s.kind == SegmentKind::GpuBatch; });
        const QPointF over = view.segmentRect(batch).center();
        QMouseEvent move(QEvent::MouseMove, over, view.mapToGlobal(over), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
        QCOMPARE(view.linkedBatch(), batch.batch);
        QVERIFY(view.describeAt(over).contains(
            QString("batch of %1").arg(plan.batches[static_cast<size_t>(batch.batch)].users.size())));
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        int linkedMembers = 0;
        for (const TimelineSegment& segment : view.model().segments())
            if (segment.kind == SegmentKind::Edge) {
                const QColor shown(image.pixel(view.segmentRect(segment).topLeft().toPoint() + QPoint(1, 1)));
                QCOMPARE(shown == palette::linked(), segment.batch == batch.batch);
                linkedMembers += segment.batch == batch.batch;
            }
        QCOMPARE(linkedMembers, static_cast<int>(plan.batches[static_cast<size_t>(batch.batch)].users.size()));
        // Clicking a user's share of a batch links that batch.
        const TimelineSegment member =
            *std::find_if(view.model().segments().begin(), view.model().segments().end(),
                          [&](const TimelineSegment& s) { return s.kind == SegmentKind::Edge && s.batch != batch.batch; });
        QMouseEvent leave(QEvent::Leave, QPointF(), QPointF(), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &leave);
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, view.segmentRect(member).center().toPoint());
        QCOMPARE(view.linkedBatch(), member.batch);
    }

    void tenThousandUsersPaintInAFrame()
    {
        // Limits are checked on the GUI thread's CPU time (threadCpuMs); wall time is printed too.
        const auto [scenario, plan] = syntheticPlan(10'000, 9);
        QElapsedTimer timer;
        timer.start();
        double cpuStart = threadCpuMs();
        TimelineModel timeline(scenario, plan);
        const double buildMs = static_cast<double>(timer.nsecsElapsed()) / 1e6, buildCpuMs = threadCpuMs() - cpuStart;
        TimelineView view;
        view.resize(1280, 720);
        timer.restart();
        cpuStart = threadCpuMs();
        view.setModel(std::move(timeline));
        const double setModelMs = static_cast<double>(timer.nsecsElapsed()) / 1e6, setModelCpuMs = threadCpuMs() - cpuStart;
        QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
        view.render(&image); // the first paint builds the overview strip
        auto medianFrameMs = [&view, &image](bool cpu) {
            std::vector<double> frames;
            for (int k = 0; k < 15; ++k) {
                view.setCursorMs(view.model().endMs() * k / 15);
                QElapsedTimer frame;
                frame.start();
                const double startCpuMs = threadCpuMs();
                view.render(&image);
                frames.push_back(cpu ? threadCpuMs() - startCpuMs : static_cast<double>(frame.nsecsElapsed()) / 1e6);
            }
            std::nth_element(frames.begin(), frames.begin() + 7, frames.end());
            return frames[7];
        };
        view.scrollToRow(5000);
        const double scrolledMs = medianFrameMs(false), scrolledCpuMs = medianFrameMs(true);
        view.setFitLanesToHeight(true); // every lane at once, as the GIF export draws them
        const double allLanesMs = medianFrameMs(false), allLanesCpuMs = medianFrameMs(true);
        qInfo("10,000 users, wall (CPU) ms: model %.1f (%.1f), setModel %.1f (%.1f), frame %.2f (%.2f) scrolled, %.2f (%.2f) all "
              "lanes fitted",
              buildMs, buildCpuMs, setModelMs, setModelCpuMs, scrolledMs, scrolledCpuMs, allLanesMs, allLanesCpuMs);
        QVERIFY(buildCpuMs + setModelCpuMs < 50);
        QVERIFY(scrolledCpuMs < 16);
        QVERIFY(allLanesCpuMs < 16);
    }

    void zoomPanTooltipsAndComparison()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const CostModel model(scenario);
        const Plan og = *makePlan(scenario, model, Algorithm::Og);
        TimelineView view;
        view.resize(1100, 400);
        view.setModel(TimelineModel(scenario, og));
        const TimelineSegment batch = *std::find_if(view.model().segments().begin(), view.model().segments().end(),
                                                    [](const TimelineSegment& s) { return s.kind == SegmentKind::GpuBatch; });
        const double before = view.segmentRect(batch).width();
        view.zoom(2.0, batch.startMs);
        QVERIFY(std::fabs(view.segmentRect(batch).width() - 2 * before) < 1e-6);
        QVERIFY(std::fabs(view.segmentRect(batch).left() -
                          view.segmentRect({SegmentKind::Local, 0, batch.startMs, batch.startMs}).left()) < 1e-6);
        const QString tip = view.describeAt(view.segmentRect(batch).center());
        QVERIFY2(tip.startsWith("GPU: GPU batch") && tip.contains("batch of"), qPrintable(tip));
        // The tooltip's batch size is the plan's.
        QVERIFY(tip.contains(QString("batch of %1").arg(og.batches[static_cast<size_t>(batch.batch)].users.size())));
        QVERIFY(view.describeAt(QPointF(5, 5)).isEmpty());
        view.setTimeWindow(0, 0);
        QCOMPARE(view.windowSpanMs(), view.model().endMs());

        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        QVERIFY(waitForPlans(window));
        window.compareWith("ip-ssa");
        const TimelineView* second = window.planView()->comparisonTimeline();
        const Plan ipssa = *makePlan(scenario, model, Algorithm::IpSsa);
        QCOMPARE(static_cast<int>(std::count_if(second->model().segments().begin(), second->model().segments().end(),
                                                [](const TimelineSegment& s) { return s.kind == SegmentKind::GpuBatch; })),
                 static_cast<int>(ipssa.batches.size()));
        QCOMPARE(second->windowSpanMs(), window.planView()->timeline()->windowSpanMs()); // one time axis
    }
};

QTEST_MAIN(TestTimelineView)
#include "test_timelineview.moc"
