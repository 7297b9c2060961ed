// The online page: one episode drawn, DDPG trained live, and an offline scenario refused.
#include "widgets/charts/chartview.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/onlineview.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

} // namespace

class TestOnlineView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void onlineEpisodeAndLiveTraining()
    {
        ScenarioDocument document;
        QVERIFY(document.load(QStringLiteral(COINFER_EXAMPLES "/online.json")).has_value());
        OnlineView view(&document);
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        QVERIFY2(view.summary()->text().contains("deadline misses"), qPrintable(view.summary()->text()));
        QVERIFY(view.episodeChart()->lineCount() >= 2);
        QVERIFY(view.episodeChart()->line(0).x.size() > 100); // one point per slot
        QSignalSpy episodes(&view, &OnlineView::trainingEpisode);
        QSignalSpy finished(&view, &OnlineView::trainingFinished);
        view.train(2);
        QVERIFY(finished.wait(60000));
        QCoreApplication::processEvents(); // the last queued curve point
        QCOMPARE(episodes.count(), 2);
        QCOMPARE(view.trainingChart()->line(0).x.size(), qsizetype(2));
        // An offline scenario says what is missing instead of running.
        ScenarioDocument offline;
        QVERIFY(offline.load(kClassroom).has_value());
        OnlineView none(&offline);
        none.runEpisode();
        QVERIFY(none.summary()->text().contains("online"));
    }
};

QTEST_MAIN(TestOnlineView)
#include "test_onlineview.moc"
