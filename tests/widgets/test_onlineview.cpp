// The online page: one episode drawn, DDPG trained live, an episode asked for while training
// runs, and an offline scenario refused.
#include "core/learning/actor.h"
#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/expected.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/timelineview.h"

#include <QByteArray>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QList>
#include <QObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QString>
#include <QTest>
#include <QVector>
#include <QtGlobal>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

/// The online example cut to 600 ms (120 slots), so that a training episode takes moments.
Scenario shortOnlineScenario()
{
    ScenarioDocument document;
    if (!document.load(QStringLiteral(COINFER_EXAMPLES "/online.json")))
        return {};
    Scenario scenario = document.scenario();
    scenario.online.horizonMs = 600;
    return scenario;
}

/// Chooses "trained DDPG" in the view's policy chooser.
bool chooseTrainedPolicy(OnlineView& view)
{
    for (QComboBox* box : view.findChildren<QComboBox*>()) {
        if (const int index = box->findText("trained DDPG"); index >= 0) {
            box->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

/// What the view's summary starts with after an episode of the scenario's first trace under
/// the policy that training for @p planned episodes, stopped after @p trained, keeps.
QString expectedEpisodeSummary(const Scenario& scenario, int planned, int trained)
{
    TrainingOptions options;
    options.planner = OnlinePlanner::Og;
    options.episodes = planned;
    options.progress = [trained](const EpisodeReport& report) { return report.episode < trained; };
    const Expected<DdpgPolicy> policy = trainDdpg(scenario, options);
    if (!policy)
        return QString::fromStdString(policy.error().message);
    const OnlineResult result = runEpisode(scenario, OnlinePlanner::Og, makeArrivalTrace(scenario, scenario.online.seed),
                                           ddpgDispatchPolicy(policy->actor));
    return QString("%1 tasks, %2 dispatches: %3 mJ per task")
        .arg(result.tasks)
        .arg(result.dispatches)
        .arg(result.energyPerTaskMj(), 0, 'f', 3);
}

} // namespace

class TestOnlineView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    /// Before any episode the page says in one sentence what to do and shows no empty chart;
    /// the threshold box is enabled for the threshold policy only.
    void beforeAnyEpisodeThePageSaysWhatToDo()
    {
        ScenarioDocument document;
        QVERIFY(document.load(QStringLiteral(COINFER_EXAMPLES "/online.json")).has_value());
        OnlineView view(&document);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY2(view.summary()->text().startsWith("No episode yet: "), qPrintable(view.summary()->text()));
        QVERIFY(!view.summary()->text().contains("F5"));
        QVERIFY(!view.episodeChart()->isVisible());
        QVERIFY(!view.trainingChart()->isVisible());
        QVERIFY(!view.timeline()->isVisible());
        QDoubleSpinBox* threshold = view.findChild<QDoubleSpinBox*>();
        QComboBox* policy = nullptr;
        for (QComboBox* box : view.findChildren<QComboBox*>())
            if (box->findText("trained DDPG") >= 0)
                policy = box;
        QVERIFY(threshold && policy);
        QVERIFY(threshold->isEnabled());
        policy->setCurrentIndex(policy->findText("trained DDPG"));
        QVERIFY(!threshold->isEnabled());
        policy->setCurrentIndex(policy->findText("immediate"));
        QVERIFY(!threshold->isEnabled());
        policy->setCurrentIndex(policy->findText("threshold"));
        QVERIFY(threshold->isEnabled());
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        QVERIFY(view.episodeChart()->isVisible());
        QVERIFY(view.timeline()->isVisible());
        QVERIFY(!view.trainingChart()->isVisible()); // no training yet
    }

    /// An edit after an episode marks it stale, also when every user is deleted; running again
    /// clears the mark. Opening another scenario forgets the episode.
    void anEditMarksTheEpisodeStale()
    {
        ScenarioDocument document;
        QVERIFY(document.load(QStringLiteral(COINFER_EXAMPLES "/online.json")).has_value());
        OnlineView view(&document);
        view.show();
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        QVERIFY(view.staleBanner()->isHidden());
        User user = document.scenario().users[0];
        user.deadlineMs *= 2;
        document.setUser(0, user);
        QVERIFY(!view.staleBanner()->isHidden());
        QVERIFY2(view.staleBanner()->text().startsWith("Stale: the episode below"), qPrintable(view.staleBanner()->text()));
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        QVERIFY(view.staleBanner()->isHidden());
        while (document.scenario().userCount() > 0)
            document.removeUser(0);
        QVERIFY(!view.staleBanner()->isHidden());
        QVERIFY(document.load(QStringLiteral(COINFER_EXAMPLES "/online-bursty.json")).has_value());
        QVERIFY(view.staleBanner()->isHidden());
        QVERIFY(view.summary()->text().startsWith("No episode yet: "));
        QVERIFY(!view.episodeChart()->isVisible());
    }

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

    /// A training whose policy loses to a fixed threshold on the evaluation traces says so in the
    /// summary and offers that rule; the button chooses it. One episode of 120 slots ends before
    /// the agent's first update, so the kept policy is the untrained actor.
    void aLosingTrainingOffersTheFixedRule()
    {
        const Scenario scenario = shortOnlineScenario();
        QVERIFY(scenario.online.present);
        ScenarioDocument document;
        document.reset(scenario, QString());
        OnlineView view(&document);
        QVERIFY(chooseTrainedPolicy(view));
        QSignalSpy finished(&view, &OnlineView::trainingFinished);
        view.train(1);
        QVERIFY(finished.wait(60000));
        QVERIFY(view.trainedPolicy());
        const TrainingVerdict verdict = judgeTraining(scenario, *view.trainedPolicy());
        QVERIFY2(verdict.policyLoses(), "the case needs a policy that loses");
        const QString rule = QString("Use threshold %1").arg(verdict.fixedRule.threshold, 0, 'f', 2);
        QVERIFY2(view.summary()->text().contains("Training did not beat a fixed rule"), qPrintable(view.summary()->text()));
        QVERIFY2(view.summary()->text().contains(rule), qPrintable(view.summary()->text()));
        QVERIFY(!view.useFixedRuleButton()->isHidden());
        QCOMPARE(view.useFixedRuleButton()->text(), rule);
        view.useFixedRuleButton()->click();
        QDoubleSpinBox* threshold = view.findChild<QDoubleSpinBox*>();
        QVERIFY(threshold && threshold->isEnabled()); // the threshold policy is chosen
        QCOMPARE(threshold->value(), verdict.fixedRule.threshold);
        view.train(1); // a new training hides the offer until its own verdict
        QVERIFY(view.useFixedRuleButton()->isHidden());
        QVERIFY(finished.wait(60000));
        // An IP-SSA training also says why its agent has little to learn.
        for (QComboBox* box : view.findChildren<QComboBox*>())
            if (box->findText("ip-ssa") >= 0)
                box->setCurrentIndex(box->findText("ip-ssa"));
        QVERIFY(!view.summary()->text().contains("one round"));
        view.train(1);
        QVERIFY(finished.wait(60000));
        QCOMPARE(view.trainedPolicy()->planner, OnlinePlanner::IpSsa);
        QVERIFY2(view.summary()->text().contains("one round that ends at its earliest deadline"),
                 qPrintable(view.summary()->text()));
    }

    // A policy still being trained is never run: asked for meanwhile, the episode is refused;
    // once training has finished, the episode runs the policy it handed over.
    void episodeAskedForWhileTrainingRuns()
    {
        const Scenario scenario = shortOnlineScenario();
        QVERIFY(scenario.online.present);
        ScenarioDocument document;
        document.reset(scenario, QString());
        OnlineView view(&document);
        QVERIFY(chooseTrainedPolicy(view));
        QSignalSpy episodes(&view, &OnlineView::trainingEpisode);
        QSignalSpy finished(&view, &OnlineView::trainingFinished);
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        const int planned = 3;
        view.train(planned);
        // Asked for after every episode drawn, the last included: until the finished training
        // has handed its policy over, nothing the worker has computed so far is run.
        while (episodes.count() < planned) {
            QVERIFY(episodes.wait(60000));
            if (finished.count() == 0) {
                view.runEpisode();
                QCOMPARE(view.summary()->text(), QString("Train a DDPG policy first."));
            }
        }
        if (finished.count() == 0)
            QVERIFY(finished.wait(60000));
        QCOMPARE(shown.count(), 0);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        const QString expected = expectedEpisodeSummary(scenario, planned, planned);
        QVERIFY2(view.summary()->text().startsWith(expected), qPrintable(view.summary()->text() + " / " + expected));
    }

    void trainingTakesTheHiddenLayerSizesAsked()
    {
        const Scenario scenario = shortOnlineScenario();
        ScenarioDocument document;
        document.reset(scenario, QString());
        OnlineView view(&document);
        QSignalSpy finished(&view, &OnlineView::trainingFinished);
        view.train(1, {24, 8});
        QVERIFY(finished.wait(60000));
        QVERIFY(view.trainedPolicy() != nullptr);
        const std::vector<int>& sizes = view.trainedPolicy()->actor.sizes();
        QCOMPARE(std::vector<int>(sizes.begin() + 1, sizes.end() - 1), (std::vector<int>{24, 8}));
        QVERIFY(!parseHiddenLayers("0,8") && !parseHiddenLayers("8,") && !parseHiddenLayers("1,2,3,4,5"));
        QCOMPARE(*parseHiddenLayers("256,128"), (std::vector<int>{256, 128}));
    }

    // Stopping keeps the best policy so far: it replaces the previous one, which is not run
    // while the new training is under way either.
    void stoppedTrainingHandsOverItsBestPolicy()
    {
        const Scenario scenario = shortOnlineScenario();
        QVERIFY(scenario.online.present);
        ScenarioDocument document;
        document.reset(scenario, QString());
        OnlineView view(&document);
        QVERIFY(chooseTrainedPolicy(view));
        QSignalSpy episodes(&view, &OnlineView::trainingEpisode);
        QSignalSpy finished(&view, &OnlineView::trainingFinished);
        QSignalSpy shown(&view, &OnlineView::episodeShown);
        view.train(1);
        QVERIFY(finished.wait(60000));
        const int planned = 1000;
        view.train(planned);
        QVERIFY(episodes.wait(60000));
        view.runEpisode();
        QCOMPARE(view.summary()->text(), QString("Train a DDPG policy first."));
        view.cancelTraining();
        QVERIFY(finished.wait(60000));
        QCoreApplication::processEvents(); // the last queued curve point
        QVERIFY2(view.summary()->text().startsWith("Training done"), qPrintable(view.summary()->text()));
        const int trained = int(view.trainingChart()->line(0).x.size());
        QVERIFY(trained >= 1 && trained < planned);
        QCOMPARE(shown.count(), 0);
        view.runEpisode();
        QVERIFY(shown.wait(30000));
        const QString expected = expectedEpisodeSummary(scenario, planned, trained);
        QVERIFY2(view.summary()->text().startsWith(expected), qPrintable(view.summary()->text() + " / " + expected));
    }
};

QTEST_MAIN(TestOnlineView)
#include "test_onlineview.moc"

#include <functional>
#include <optional>
#include <vector>
