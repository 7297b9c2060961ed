// The classroom walkthrough and presentation mode: the four steps, what changed at each, and
// the keys that step and switch the theme.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/saturation.h"
#include "campusfile.h"
#include "core/util/expected.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"
#include "widgets/views/walkthrough.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QObject>
#include <QSignalSpy>
#include <QString>
#include <QTemporaryDir>
#include <Qt>
#include <cmath>
#include <QTest>

using namespace coinfer;
using coinfer::testing::writeCampusWithUsers;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

} // namespace

class TestPresentation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void walkthroughSteps()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        Walkthrough walkthrough(scenario);
        QCOMPARE(walkthrough.stepCount(), 4);
        QCOMPARE(walkthrough.current(), 0);
        QVERIFY(!walkthrough.previous());
        QCOMPARE(walkthrough.step().plan.algorithm, std::string("local"));
        QVERIFY(walkthrough.step().changed.empty());
        QVERIFY(walkthrough.next());
        QCOMPARE(walkthrough.step().plan.algorithm, std::string("no-batching"));
        // Everyone who stopped computing locally is highlighted.
        for (size_t m = 0; m < scenario.users.size(); ++m)
            QCOMPARE(walkthrough.step().changed.count(static_cast<int>(m)) == 1,
                     walkthrough.step().plan.users[m].partition != scenario.dnn.subtaskCount());
        QVERIFY(walkthrough.next());
        QCOMPARE(walkthrough.step().plan.algorithm, std::string("ip-ssa"));
        QVERIFY(walkthrough.step().plan.batches.size() < walkthrough.step(1).plan.batches.size()); // batching
        QVERIFY(walkthrough.step().explanation.contains(QString::number(walkthrough.step().plan.batches.size()) + " batches"));
        QVERIFY(walkthrough.next());
        QCOMPARE(walkthrough.step().plan.algorithm, std::string("og"));
        QVERIFY(walkthrough.step().plan.totalEnergyMj < walkthrough.step(2).plan.totalEnergyMj); // grouping pays here
        QVERIFY(!walkthrough.step().changed.empty());
        QVERIFY(!walkthrough.next());
        QCOMPARE(walkthrough.current(), 3);
        QVERIFY(walkthrough.previous());
        QCOMPARE(walkthrough.current(), 2);

        PresentationWindow presentation(scenario);
        if (!presentation.isReady()) {
            QSignalSpy ready(&presentation, &PresentationWindow::ready);
            QVERIFY(ready.wait(30000));
        }
        QVERIFY(presentation.darkTheme());
        QTest::keyClick(&presentation, Qt::Key_Right);
        QTest::keyClick(&presentation, Qt::Key_Right);
        QCOMPARE(presentation.walkthrough().current(), 2);
        QTest::keyClick(&presentation, Qt::Key_Left);
        QCOMPARE(presentation.walkthrough().current(), 1);
        QTest::keyClick(&presentation, Qt::Key_T);
        QVERIFY(!presentation.darkTheme());
    }

    /// Space plays the step's schedule (the teacher no longer leaves presentation mode to
    /// animate), Home rewinds, and the footer says which step of how many.
    void spacePlaysAndTheFooterCountsTheSteps()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        PresentationWindow presentation(scenario);
        if (!presentation.isReady()) {
            QSignalSpy ready(&presentation, &PresentationWindow::ready);
            QVERIFY(ready.wait(30000));
        }
        QVERIFY2(presentation.footerText().startsWith("Step 0 (steps 0 to 3)"), qPrintable(presentation.footerText()));
        QTest::keyClick(&presentation, Qt::Key_Right);
        QCOMPARE(presentation.walkthrough().current(), 1); // Right steps; Space no longer does
        QVERIFY(presentation.footerText().startsWith("Step 1 (steps 0 to 3)"));
        QVERIFY(presentation.footerText().contains("Space: play/pause"));
        QSignalSpy moved(presentation.player(), &SchedulePlayer::timeChanged);
        QTest::keyClick(&presentation, Qt::Key_Space);
        QCOMPARE(presentation.walkthrough().current(), 1);
        QVERIFY(moved.wait(2000));
        QVERIFY(presentation.player()->timeMs() > 0);
        QCOMPARE(presentation.timeline()->cursorMs(), presentation.player()->timeMs());
        QTest::keyClick(&presentation, Qt::Key_Space); // pauses
        QTest::keyClick(&presentation, Qt::Key_Home);
        QCOMPARE(presentation.player()->timeMs(), 0.0);
    }

    /// Where OG's plan is IP-SSA's (classroom-split), step 3 says that grouping changes nothing
    /// instead of describing rounds that are not there.
    void aStepThatChangesNothingSaysSo()
    {
        const Scenario scenario = *readScenario(COINFER_EXAMPLES "/classroom-split.json");
        Walkthrough walkthrough(scenario);
        QCOMPARE(walkthrough.stepCount(), 4);
        const Plan& batched = walkthrough.step(2).plan;
        const Plan& grouped = walkthrough.step(3).plan;
        const bool same = walkthrough.step(3).changed.empty() && std::fabs(grouped.totalEnergyMj - batched.totalEnergyMj) < 1e-9;
        QVERIFY(same); // the case the walkthrough was found on
        QVERIFY2(walkthrough.step(3).explanation.startsWith("Here grouping by deadline changes nothing"),
                 qPrintable(walkthrough.step(3).explanation));
        QVERIFY(!walkthrough.step(3).explanation.contains("gives each group its own round"));
        // The classroom, where grouping pays, keeps the sentence about rounds.
        const Walkthrough classroom(*readScenario(kClassroom.toStdString()));
        QVERIFY(classroom.step(3).explanation.contains("gives each group its own round"));
    }

    /// At 10,000 campus users the GPU caps the saving: the steps that share it say so, with the
    /// same sentence as the command line (step 3 showed "0.0% saved" and an empty GPU lane).
    void aSaturatedGpuIsNamedInTheSteps()
    {
        QTemporaryDir dir;
        const QString path = writeCampusWithUsers(dir, 10000);
        QVERIFY(!path.isEmpty());
        const Scenario scenario = *readScenario(path.toStdString());
        const GpuSaturation saturation = gpuSaturation(CostModel(scenario));
        QVERIFY(saturation.saturated); // the case the walkthrough was found on
        const Walkthrough walkthrough(scenario);
        for (int step : {2, 3})
            QVERIFY2(
                walkthrough.step(step).explanation.contains("The GPU is saturated: no plan can save more than " +
                                                            QString::fromStdString(formatSavingCap(saturation.maxSavingPercent))),
                qPrintable(walkthrough.step(step).explanation));
        QVERIFY(!walkthrough.step(1).explanation.contains("saturated"));
        // Nobody offloads in IP-SSA's one round there: step 2 says so instead of "as one batch: 0 batches".
        QVERIFY(walkthrough.step(2).plan.batches.empty()); // the case the sentence was found on
        QVERIFY2(walkthrough.step(2).explanation.contains("no such round fits here") &&
                     !walkthrough.step(2).explanation.contains("0 batches"),
                 qPrintable(walkthrough.step(2).explanation));
        // Nobody offloads there: step 3 does not claim they share a deadline.
        if (walkthrough.step(3).plan.batches.empty())
            QVERIFY2(walkthrough.step(3).explanation.contains("no user offloads"), qPrintable(walkthrough.step(3).explanation));
        QVERIFY(!Walkthrough(*readScenario(kClassroom.toStdString())).step(3).explanation.contains("saturated"));
    }

    // The lanes once filled ~20 px of a full screen, leaving 60 % of it empty, and missed
    // deadlines were neither marked nor stated.
    void lanesFillTheScreenAndMissedDeadlinesAreStated()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        PresentationWindow presentation(scenario);
        if (!presentation.isReady()) {
            QSignalSpy ready(&presentation, &PresentationWindow::ready);
            QVERIFY(ready.wait(30000));
        }
        presentation.resize(1600, 1000);
        presentation.show();
        QVERIFY(QTest::qWaitForWindowExposed(&presentation));
        for (int step = 0; step < presentation.walkthrough().stepCount(); ++step) {
            const TimelineView& timeline = *presentation.timeline();
            // The last lane ends in the bottom fifth of the timeline: the lanes use the height.
            const int lastUser = timeline.userAtRow(timeline.rowCount() - 1);
            QVERIFY(lastUser >= 0);
            const double lanesBottom = timeline.laneTop(lastUser) + timeline.laneHeight();
            QVERIFY2(lanesBottom > 0.8 * timeline.height(),
                     qPrintable(QString("lanes end at %1 of %2 px").arg(lanesBottom).arg(timeline.height())));
            QVERIFY(lanesBottom <= timeline.height() + 1);
            QVERIFY(timeline.laneHeight() > 22);
            // The number of late users is computed independently of the view and must be stated.
            const Plan& plan = presentation.walkthrough().step().plan;
            int late = 0;
            for (const UserOutcome& user : plan.users)
                late += !std::isfinite(user.finishMs) || user.finishMs > user.deadlineMs + 1e-9 ? 1 : 0;
            QCOMPARE(timeline.model().lateCount(), late);
            const QString text = presentation.explanationText();
            if (late == 0) // said once, by the step or by the window
                QVERIFY2(text.count("Every user meets its deadline", Qt::CaseInsensitive) + text.count("every deadline is met") ==
                             1,
                         qPrintable(text));
            else
                QVERIFY2(text.contains(QString::number(late) + " of"), qPrintable(text));
            QTest::keyClick(&presentation, Qt::Key_Right);
        }
    }
};

QTEST_MAIN(TestPresentation)
#include "test_presentation.moc"

#include <cstddef>
#include <set>
#include <string>
#include <vector>
