// The player row shared by the plan and online pages: its buttons, keys, scrub bar, speeds, fit
// and follow drive one SchedulePlayer over every timeline it was given.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/playercontrols.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"
#include "widgettest.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLayout>
#include <QObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QVBoxLayout>
#include <QWidget>
#include <Qt>

#include <cstdlib>
#include <initializer_list>

using namespace coinfer;
using namespace coinfer::testing;

namespace {

PlayerControlsOptions planOptions()
{
    PlayerControlsOptions options;
    options.stepBackText = "< Step";
    options.stepForwardText = "Step >";
    options.stepForwardToolTip = "On to the next event";
    options.speedFactors = {"0.5x", "1x", "2x"};
    options.defaultSpeed = "1x";
    options.fitText = "Fit";
    options.fitShortcut = true;
    return options;
}

/// A window holding a player row over two timelines of the classroom's OG plan.
struct Rig {
    QWidget window;
    SchedulePlayer player;
    TimelineView* first;
    TimelineView* second;
    PlayerControls* controls;

    explicit Rig(const PlayerControlsOptions& options) : first(new TimelineView(&window)), second(new TimelineView(&window))
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const TimelineModel model(scenario, *makePlan(scenario, CostModel(scenario), Algorithm::Og));
        player.setTimeline(model);
        first->setModel(model);
        second->setModel(model);
        controls = new PlayerControls(&player, {first, second}, options, &window);
        auto* layout = new QVBoxLayout(&window);
        layout->addWidget(controls);
        layout->addWidget(first);
        layout->addWidget(second);
        window.resize(1000, 600);
    }
};

} // namespace

class TestPlayerControls : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void theOptionsNameTheButtons()
    {
        Rig rig(planOptions());
        QCOMPARE(rig.controls->stepBackButton()->text(), QString("< Step"));
        QVERIFY(rig.controls->stepBackButton()->toolTip().isEmpty());
        QCOMPARE(rig.controls->stepForwardButton()->toolTip(), QString("On to the next event"));
        QCOMPARE(rig.controls->fitButton()->text(), QString("Fit"));
        QCOMPARE(rig.controls->speedChooser()->count(), 3);
        QCOMPARE(rig.controls->speedChooser()->currentText(), QString("1x"));
        QVERIFY(rig.controls->followBox()->isChecked());
    }

    void buttonsDriveThePlayer()
    {
        Rig rig(planOptions());
        PlayerControls& controls = *rig.controls;
        QTest::mouseClick(controls.stepForwardButton(), Qt::LeftButton);
        const double firstEventMs = rig.player.timeMs();
        QVERIFY(firstEventMs > 0);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Paused);
        QTest::mouseClick(controls.stepForwardButton(), Qt::LeftButton);
        QVERIFY(rig.player.timeMs() > firstEventMs);
        QTest::mouseClick(controls.stepBackButton(), Qt::LeftButton);
        QCOMPARE(rig.player.timeMs(), firstEventMs);
        QTest::mouseClick(controls.playButton(), Qt::LeftButton);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Playing);
        QCOMPARE(controls.playButton()->text(), QString("Pause"));
        QTest::mouseClick(controls.playButton(), Qt::LeftButton);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Paused);
        QCOMPARE(controls.playButton()->text(), QString("Play"));
        QTest::mouseClick(controls.rewindButton(), Qt::LeftButton);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Stopped);
        QCOMPARE(rig.player.timeMs(), 0.0);
    }

    void keysDriveThePlayerOnlyWhileTheRowIsShown()
    {
        Rig rig(planOptions());
        rig.window.show();
        QVERIFY(QTest::qWaitForWindowActive(&rig.window));
        QTest::keyClick(&rig.window, Qt::Key_BracketRight);
        const double firstEventMs = rig.player.timeMs();
        QVERIFY(firstEventMs > 0);
        QTest::keyClick(&rig.window, Qt::Key_BracketRight);
        QTest::keyClick(&rig.window, Qt::Key_BracketLeft);
        QCOMPARE(rig.player.timeMs(), firstEventMs);
        QTest::keyClick(&rig.window, Qt::Key_Space);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Playing);
        QTest::keyClick(&rig.window, Qt::Key_Space);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Paused);
        QTest::keyClick(&rig.window, Qt::Key_Home);
        QCOMPARE(rig.player.state(), SchedulePlayer::State::Stopped);
        // A hidden row (its page not shown) leaves the keys to the page that is.
        rig.controls->hide();
        QTest::keyClick(&rig.window, Qt::Key_BracketRight);
        QCOMPARE(rig.player.timeMs(), 0.0);
    }

    void cursorsAndScrubBarFollowThePlayer()
    {
        Rig rig(planOptions());
        QSlider* scrub = rig.controls->scrubBar();
        rig.player.seek(rig.player.endMs() / 2);
        QCOMPARE(rig.first->cursorMs(), rig.player.endMs() / 2);
        QCOMPARE(rig.second->cursorMs(), rig.player.endMs() / 2);
        QVERIFY(std::abs(scrub->value() - scrub->maximum() / 2) <= 1);
        scrub->setValue(scrub->maximum() / 4);
        QCOMPARE(rig.player.timeMs(), rig.player.endMs() / 4);
        QCOMPARE(rig.second->cursorMs(), rig.player.endMs() / 4);
        rig.player.stop();
        QCOMPARE(scrub->value(), 0);
        QCOMPARE(rig.first->cursorMs(), 0.0);
    }

    void speedFactorsReadAgainstTheirBase_data()
    {
        QTest::addColumn<QString>("factor");
        QTest::addColumn<bool>("realTime");
        QTest::newRow("a plan in 10 s, twice as fast") << "2x" << false;
        QTest::newRow("a plan in 10 s, half as fast") << "0.5x" << false;
        QTest::newRow("real time, twice") << "2x" << true;
        QTest::newRow("real time, half") << "0.5x" << true;
    }

    void speedFactorsReadAgainstTheirBase()
    {
        QFETCH(QString, factor);
        QFETCH(bool, realTime);
        PlayerControlsOptions options = planOptions();
        options.speedBase =
            realTime ? PlayerControlsOptions::SpeedBase::RealTime : PlayerControlsOptions::SpeedBase::TenSecondsPerTimeline;
        Rig rig(options);
        rig.controls->speedChooser()->setCurrentText(factor);
        const double expected = (realTime ? 1000.0 : rig.player.endMs() / 10.0) * factor.chopped(1).toDouble();
        QCOMPARE(rig.player.speed(), expected);
        QCOMPARE(rig.controls->speedMsPerSecond(), expected);
        // A new timeline resets the player's speed; applySpeed gives it the chosen one again.
        rig.player.setTimeline(rig.first->model());
        rig.controls->applySpeed();
        QCOMPARE(rig.player.speed(), expected);
    }

    void fitAndFollowReachEveryTimeline()
    {
        Rig rig(planOptions());
        rig.window.show();
        QVERIFY(QTest::qWaitForWindowActive(&rig.window));
        const double wholeMs = rig.first->windowSpanMs();
        for (TimelineView* timeline : {rig.first, rig.second})
            timeline->setTimeWindow(0, wholeMs / 4);
        QVERIFY(rig.second->windowSpanMs() < wholeMs);
        QTest::mouseClick(rig.controls->fitButton(), Qt::LeftButton);
        QCOMPARE(rig.first->windowSpanMs(), wholeMs);
        QCOMPARE(rig.second->windowSpanMs(), wholeMs);
        rig.second->setTimeWindow(0, wholeMs / 4);
        QTest::keyClick(&rig.window, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(rig.second->windowSpanMs(), wholeMs);
        rig.controls->followBox()->setChecked(false);
        QVERIFY(!rig.first->followCursor());
        QVERIFY(!rig.second->followCursor());
    }

    void ctrlZeroFitsOnlyWhenAskedFor()
    {
        PlayerControlsOptions options = planOptions();
        options.fitShortcut = false;
        Rig rig(options);
        rig.window.show();
        QVERIFY(QTest::qWaitForWindowActive(&rig.window));
        const double wholeMs = rig.first->windowSpanMs();
        rig.first->setTimeWindow(0, wholeMs / 4);
        QTest::keyClick(&rig.window, Qt::Key_0, Qt::ControlModifier);
        QVERIFY(rig.first->windowSpanMs() < wholeMs);
    }

    void aPageControlSitsBeforeFit()
    {
        Rig rig(planOptions());
        auto* order = new QComboBox(rig.controls);
        rig.controls->addPageControl(order);
        auto* row = qobject_cast<QHBoxLayout*>(rig.controls->layout());
        QVERIFY(row);
        QCOMPARE(row->indexOf(order), row->indexOf(rig.controls->scrubBar()) + 1);
        QCOMPARE(row->indexOf(rig.controls->fitButton()), row->indexOf(order) + 1);
    }

    /// The online page's row steps between dispatches and plays against real time, and keeps
    /// the chosen speed when a new episode replaces the timeline.
    void theOnlinePagesRowPlaysInRealTime()
    {
        ScenarioDocument document;
        QVERIFY(document.load(QStringLiteral(COINFER_EXAMPLES "/online.json")));
        OnlineView view(&document);
        auto* row = view.findChild<PlayerControls*>();
        QVERIFY(row);
        QCOMPARE(row->stepBackButton()->text(), QString("< Dispatch"));
        QCOMPARE(row->stepForwardButton()->toolTip(), QString("On to the next dispatch (])"));
        QCOMPARE(row->fitButton()->text(), QString("Whole episode"));
        QCOMPARE(row->speedChooser()->currentText(), QString("0.1x"));
        row->speedChooser()->setCurrentText("0.5x");
        QCOMPARE(view.player()->speed(), 500.0);
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.runEpisode();
        QVERIFY(shown.wait(60000));
        QCOMPARE(view.player()->speed(), 500.0);
        QCOMPARE(row->scrubBar()->value(), 0);
    }

    void exportIsLeftToThePage()
    {
        Rig rig(planOptions());
        QSignalSpy asked(rig.controls, &PlayerControls::exportRequested);
        QTest::mouseClick(rig.controls->exportButton(), Qt::LeftButton);
        QCOMPARE(asked.count(), 1);
    }
};

QTEST_MAIN(TestPlayerControls)
#include "test_playercontrols.moc"
