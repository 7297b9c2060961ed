// The classroom walkthrough and presentation mode: the four steps, what changed at each, and
// the keys that step and switch the theme.
#include "core/io/scenarioio.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/timelineview.h"
#include "widgets/views/walkthrough.h"

#include <QSignalSpy>
#include <cmath>
#include <QTest>

using namespace coinfer;

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

    // Issue 13: the lanes filled ~20 px of a full screen, leaving 60 % of it empty, and missed
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
            if (late == 0)
                QVERIFY2(text.contains("Every user meets its deadline"), qPrintable(text));
            else
                QVERIFY2(text.contains(QString::number(late) + " of"), qPrintable(text));
            QTest::keyClick(&presentation, Qt::Key_Right);
        }
    }
};

QTEST_MAIN(TestPresentation)
#include "test_presentation.moc"
