// The timeline: geometry that follows the plan, the player, the energy meters, the frame time
// of a large plan, zoom, pan, tooltips and the comparison timeline.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/planview.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"
#include "widgettest.h"

#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace coinfer;
using namespace coinfer::testing;

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
        QVERIFY(std::fabs(view.segmentRect(batch).left() - view.segmentRect({SegmentKind::Local, 0, batch.startMs, batch.startMs}).left()) < 1e-6);
        const QString tip = view.describeAt(view.segmentRect(batch).center());
        QVERIFY2(tip.startsWith("GPU: GPU batch") && tip.contains("batch of"), qPrintable(tip));
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
