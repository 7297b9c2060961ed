// Watching an online episode: the timeline built from a recorded episode has every
// task once, its pool waits end at their dispatch, the GPU lane holds every dispatch's batches
// at the dispatch time plus their start, misses are marked where the finish passes the
// deadline, the energy meter ends at the episode's total, the player steps from dispatch to
// dispatch, and the Online page plays the episode and writes it as a GIF.
#include "core/io/scenarioio.h"
#include "core/model/onlinepolicy.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"
#include "core/util/tolerance.h"
#include "widgets/charts/palette.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/document/planrunner.h"
#include "widgets/views/animationdialog.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/planview.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"

#include <QBrush>
#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QLabel>
#include <QList>
#include <QObject>
#include <QPalette>
#include <QRectF>
#include <QRgb>
#include <QSignalSpy>
#include <QSize>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

using namespace coinfer;

namespace {

const QString kOnline = QStringLiteral(COINFER_EXAMPLES "/online.json");

/// The online example cut to @p horizonMs, its deadlines scaled by @p deadlineScale.
Scenario onlineScenario(double horizonMs, double deadlineScale)
{
    Scenario scenario = *readScenario(kOnline.toStdString());
    scenario.online.horizonMs = horizonMs;
    for (User& user : scenario.users)
        user.deadlineMs *= deadlineScale;
    return scenario;
}

struct Episode {
    Scenario scenario;
    std::vector<OnlineTask> trace;
    OnlineResult result;
    OnlineRecord record;
};

Episode recordEpisode(double horizonMs, double deadlineScale)
{
    Episode episode;
    episode.scenario = onlineScenario(horizonMs, deadlineScale);
    episode.trace = makeArrivalTrace(episode.scenario, episode.scenario.online.seed);
    episode.result = runEpisode(episode.scenario, OnlinePlanner::Og, episode.trace, thresholdPolicy(0.3), &episode.record);
    return episode;
}

} // namespace

class TestEpisodeTimeline : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void modelOfAnEpisode_data()
    {
        QTest::addColumn<double>("deadlineScale");
        QTest::addColumn<bool>("withMisses");
        QTest::newRow("the example's deadlines") << 1.0 << false;
        QTest::newRow("deadlines cut to a fifth: misses") << 0.2 << true;
    }

    void modelOfAnEpisode()
    {
        QFETCH(double, deadlineScale);
        QFETCH(bool, withMisses);
        const Episode episode = recordEpisode(1500, deadlineScale);
        QVERIFY(episode.result.tasks > 50);
        if (withMisses)
            QVERIFY2(episode.result.misses > 0, "the tight deadlines must produce misses, or the test checks nothing");
        const TimelineModel model = TimelineModel::fromEpisode(episode.scenario, episode.record.dispatches);
        QVERIFY(model.isEpisode());

        // Every task once: the lanes' (release, deadline) pairs are the trace's, in release order.
        QCOMPARE(model.userCount(), episode.result.tasks);
        std::vector<std::pair<double, double>> fromTrace, fromLanes;
        for (const OnlineTask& task : episode.trace)
            fromTrace.emplace_back(task.releaseMs, task.deadlineMs);
        for (const LaneFacts& facts : model.facts())
            fromLanes.emplace_back(facts.releaseMs, facts.deadlineMs);
        QVERIFY(std::is_sorted(fromLanes.begin(), fromLanes.end()));
        std::sort(fromTrace.begin(), fromTrace.end());
        QVERIFY(fromTrace == fromLanes);

        // Each lane has one pool wait, from its release to its dispatch; the recorded outcome of
        // each task (found by its release and deadline) says where it finishes.
        std::vector<int> pending(static_cast<size_t>(model.userCount()), 0);
        for (const TimelineSegment& segment : model.segments()) {
            if (segment.kind != SegmentKind::Pending)
                continue;
            const LaneFacts& facts = model.facts()[static_cast<size_t>(segment.lane)];
            ++pending[static_cast<size_t>(segment.lane)];
            QCOMPARE(segment.startMs, facts.releaseMs);
            QCOMPARE(segment.endMs, facts.dispatchMs);
        }
        QVERIFY(std::all_of(pending.begin(), pending.end(), [](int count) { return count == 1; }));
        int lateExpected = 0, checked = 0;
        for (const OnlineDispatch& dispatch : episode.record.dispatches) {
            for (size_t i = 0; i < dispatch.tasks.size(); ++i) {
                const OnlineTask& task = dispatch.tasks[i];
                const auto lane = std::find_if(model.facts().begin(), model.facts().end(), [&](const LaneFacts& facts) {
                    return facts.releaseMs == task.releaseMs && facts.deadlineMs == task.deadlineMs;
                });
                QVERIFY(lane != model.facts().end());
                QCOMPARE(lane->dispatchMs, dispatch.atMs);
                const double finishMs = dispatch.atMs + dispatch.plan.users[i].finishMs;
                QCOMPARE(lane->finishMs, finishMs);
                const bool late = finishMs > task.deadlineMs + kTimeEpsMs;
                QCOMPARE(lane->late, late);
                lateExpected += late;
                ++checked;
            }
        }
        QCOMPARE(checked, episode.result.tasks);
        QCOMPARE(model.lateCount(), lateExpected);
        QCOMPARE(model.lateCount(), episode.result.misses);

        // The GPU lane: every dispatch's batches, in order, at the dispatch time plus their start.
        std::vector<std::tuple<double, double, int>> expected, drawn;
        for (const OnlineDispatch& dispatch : episode.record.dispatches)
            for (const TimedBatch& batch : dispatch.plan.batches)
                expected.emplace_back(dispatch.atMs + batch.startMs, dispatch.atMs + batch.endMs, batch.subtask);
        const auto [first, last] = model.laneSegments(model.gpuLane());
        for (const int* at = first; at != last; ++at) {
            const TimelineSegment& segment = model.segments()[static_cast<size_t>(*at)];
            QVERIFY(segment.kind == SegmentKind::GpuBatch);
            drawn.emplace_back(segment.startMs, segment.endMs, segment.subtask);
        }
        QCOMPARE(static_cast<long long>(drawn.size()), episode.result.batches);
        QVERIFY(drawn == expected);

        // The energy meters: nothing at 0, the episode's total at the end, and all-local the
        // tasks computed locally from their release.
        QCOMPARE(model.energyAt(0).first, 0.0);
        const auto [planned, local] = model.energyAt(model.endMs());
        QVERIFY2(std::abs(planned - episode.result.energyMj) <= 1e-9 * episode.result.energyMj,
                 qPrintable(QString("%1 against %2").arg(planned).arg(episode.result.energyMj)));
        const double localOnly = localOnlyResult(episode.scenario, episode.trace).energyMj;
        QVERIFY(std::abs(local - localOnly) <= 1e-9 * localOnly);
        QVERIFY(model.energyAt(model.endMs() / 2).first < planned);
    }

    void anEpisodeWithoutTasksSaysSo()
    {
        const Episode episode = recordEpisode(5, 1.0); // one slot: nothing arrives in time
        QCOMPARE(episode.result.tasks, 0);
        TimelineView view;
        view.setModel(TimelineModel::fromEpisode(episode.scenario, episode.record.dispatches));
        QVERIFY2(view.emptyMessage().startsWith("No task arrived"), qPrintable(view.emptyMessage()));
    }

    void playerStepsFromDispatchToDispatch()
    {
        const Episode episode = recordEpisode(1000, 1.0);
        const TimelineModel model = TimelineModel::fromEpisode(episode.scenario, episode.record.dispatches);
        SchedulePlayer player;
        player.setTimeline(model);
        QCOMPARE(player.endMs(), model.endMs());
        // Every recorded dispatch's time, once. (OnlineRecord::dispatchMs dates the end of the
        // horizon's dispatch of what is left at the last slot's start, so it is not used here.)
        std::vector<double> dispatches;
        for (const OnlineDispatch& dispatch : episode.record.dispatches)
            if (dispatches.empty() || dispatch.atMs > dispatches.back())
                dispatches.push_back(dispatch.atMs);
        QVERIFY(dispatches.size() > 5);
        for (double atMs : dispatches) {
            player.stepForward();
            QCOMPARE(player.timeMs(), atMs);
        }
        player.stepForward();
        QCOMPARE(player.timeMs(), player.endMs());
        player.stepBackward();
        QCOMPARE(player.timeMs(), dispatches.back());
        player.stepBackward();
        QCOMPARE(player.timeMs(), dispatches[dispatches.size() - 2]);
    }

    /// A view made taller while it follows the cursor keeps the newest arrival on its last
    /// row, with the lanes before it filling the view (the Online page shows its timeline
    /// only once the first episode arrives, and it then showed one lane at the top).
    void aTallerViewKeepsTheNewestArrivalOnItsLastRow()
    {
        const Episode episode = recordEpisode(1000, 1.0);
        TimelineView view;
        view.resize(1200, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setModel(TimelineModel::fromEpisode(episode.scenario, episode.record.dispatches));
        view.setTimeWindow(0, 400);
        view.setCursorMs(600);
        const auto& facts = view.model().facts();
        const int newest = static_cast<int>(std::upper_bound(facts.begin(), facts.end(), 600.0,
                                                             [](double ms, const LaneFacts& f) { return ms < f.releaseMs; }) -
                                            facts.begin()) -
                           1;
        QVERIFY(newest > 40);
        for (int height : {300, 700, 450}) {
            view.resize(1200, height);
            QVERIFY2(std::abs(view.lastVisibleRow() - newest) <= 1, qPrintable(QString("height %1: rows %2-%3, newest %4")
                                                                                   .arg(height)
                                                                                   .arg(view.firstVisibleRow())
                                                                                   .arg(view.lastVisibleRow())
                                                                                   .arg(newest)));
        }
    }

    void lanesAppearAsTasksArrive()
    {
        const Episode episode = recordEpisode(1000, 1.0);
        TimelineView view;
        view.resize(1200, 600);
        view.setModel(TimelineModel::fromEpisode(episode.scenario, episode.record.dispatches));
        const TimelineModel& model = view.model();
        // A task waiting in the pool at the cursor: released, not dispatched yet.
        const auto waiting = std::find_if(model.facts().begin(), model.facts().end(), [](const LaneFacts& facts) {
            return facts.releaseMs > 300 && facts.dispatchMs > facts.releaseMs + 2;
        });
        QVERIFY(waiting != model.facts().end());
        const int lane = static_cast<int>(waiting - model.facts().begin());
        const double cursor = (waiting->releaseMs + waiting->dispatchMs) / 2;
        view.setTimeWindow(0, 400);
        view.setCursorMs(cursor);
        // The window glides with the cursor and the newest arrival is the last lane in view.
        QVERIFY(view.windowStartMs() > 0 && view.windowStartMs() < cursor);
        QVERIFY(view.firstVisibleRow() <= lane && lane <= view.lastVisibleRow());
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        const int y = static_cast<int>(view.laneTop(lane) + view.laneHeight() / 2) - 4; // above the dashed slack line
        const TimelineSegment probe{SegmentKind::Pending, lane, cursor, cursor};
        const double cursorX = view.segmentRect(probe).left();
        const double releaseX = view.segmentRect({SegmentKind::Pending, lane, waiting->releaseMs, waiting->releaseMs}).left();
        const QRgb pending = palette::pending().rgb();
        // Waiting so far, up to the cursor, and nothing of it after: it runs down.
        QCOMPARE(image.pixel(static_cast<int>((releaseX + cursorX) / 2), y), pending);
        for (int x = static_cast<int>(cursorX) + 3;
             x <
             static_cast<int>(view.segmentRect({SegmentKind::Pending, lane, waiting->dispatchMs, waiting->dispatchMs}).left()) +
                 3;
             ++x)
            QVERIFY2(image.pixel(x, y) != pending, qPrintable(QString("pending colour after the cursor at x = %1").arg(x)));
        // The lanes released after the cursor are not drawn at all: scrolled into view, their
        // rows are the background crossed by the cursor's line.
        const auto unreleased = std::find_if(model.facts().begin(), model.facts().end(),
                                             [cursor](const LaneFacts& facts) { return facts.releaseMs > cursor; });
        QVERIFY(unreleased != model.facts().end());
        const int next = static_cast<int>(unreleased - model.facts().begin());
        view.setFollowCursor(false);
        view.scrollToRow(next - 2);
        view.render(&image);
        const QRgb background = view.palette().base().color().rgb(), cursorColour = view.palette().text().color().rgb();
        for (int row = next; row < std::min(next + 3, model.userCount()); ++row) {
            const int rowY = static_cast<int>(view.laneTop(row) + view.laneHeight() / 2);
            for (int x = static_cast<int>(view.plotLeft()) + 1; x < static_cast<int>(view.plotRight()); ++x)
                QVERIFY2(image.pixel(x, rowY) == background || image.pixel(x, rowY) == cursorColour,
                         qPrintable(QString("lane %1 drawn at x = %2 before its release").arg(row).arg(x)));
        }
        // The waiting lane itself is still drawn there.
        QCOMPARE(image.pixel(static_cast<int>((releaseX + cursorX) / 2),
                             static_cast<int>(view.laneTop(lane) + view.laneHeight() / 2) - 4),
                 pending);
    }

    void onlinePagePlaysAndExportsTheEpisode()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kOnline).has_value());
        Scenario shorter = document.scenario();
        shorter.online.horizonMs = 1000;
        document.reset(shorter, kOnline);
        OnlineView view(&document);
        view.resize(1400, 900);
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        const TimelineModel& model = view.timeline()->model();
        QVERIFY(model.isEpisode());
        QVERIFY(model.userCount() > 50);
        QVERIFY2(view.summary()->text().startsWith(QString("%1 tasks").arg(model.userCount())),
                 qPrintable(view.summary()->text()));
        QCOMPARE(view.player()->endMs(), model.endMs());
        QVERIFY(view.timeline()->windowSpanMs() < model.endMs()); // zoomed to a few deadlines
        view.player()->stepForward();
        QCOMPARE(view.player()->timeMs(), model.stepEventsMs().front());
        QCOMPARE(view.timeline()->cursorMs(), model.stepEventsMs().front());

        QTemporaryDir dir;
        AnimationSettings settings;
        settings.framesPerSecond = 4;
        settings.seconds = 2;
        settings.size = QSize(640, 400);
        settings.lanes = AnimationLanes::OnScreen;
        settings.target = dir.path() + "/episode.gif";
        QSignalSpy written(&view, &OnlineView::statusMessage);
        view.exportAnimationAs(settings);
        QVERIFY(written.wait(30000));
        QVERIFY2(written.front().front().toString().contains("8 frames"), qPrintable(written.front().front().toString()));
        QImageReader reader(settings.target);
        QCOMPARE(reader.imageCount(), 8);
        const QImage first = reader.read();
        QImage last;
        while (reader.canRead())
            last = reader.read();
        QCOMPARE(first.size(), settings.size);
        QVERIFY(first != last); // tasks arrived, the cursor and the meters moved
        // To look at the frames: COINFER_KEEP_EPISODE_GIF=FILE keeps a copy.
        if (const QString keep = qEnvironmentVariable("COINFER_KEEP_EPISODE_GIF"); !keep.isEmpty()) {
            QFile::remove(keep);
            QVERIFY(QFile::copy(settings.target, keep));
        }
    }

    /// The Online page's keys are the Plan page's; each page's work only while it is shown.
    void keysDriveThePlayerOfThePageShown()
    {
        MainWindow window;
        QVERIFY(window.openFile(kOnline, true));
        QSignalSpy planned(window.runner(), &PlanRunner::finished);
        window.planNow();
        QVERIFY(planned.wait(30000));
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.showPage(3);
        QVERIFY(window.onlineView()->isVisible());
        QSignalSpy shown(window.onlineView(), &OnlineView::episodeShown);
        window.onlineView()->runEpisode();
        QVERIFY(shown.wait(30000));
        SchedulePlayer* online = window.onlineView()->player();
        SchedulePlayer* plan = window.planView()->player();
        QTest::keyClick(window.onlineView()->timeline(), Qt::Key_BracketRight);
        QCOMPARE(online->timeMs(), window.onlineView()->timeline()->model().stepEventsMs().front());
        QCOMPARE(plan->timeMs(), 0.0);
        window.showPage(1);
        QVERIFY(window.planView()->isVisible());
        QTest::keyClick(window.planView(), Qt::Key_BracketRight);
        QVERIFY(plan->timeMs() > 0);
        QCOMPARE(online->timeMs(), window.onlineView()->timeline()->model().stepEventsMs().front());
    }
};

QTEST_MAIN(TestEpisodeTimeline)
#include "test_episodetimeline.moc"
