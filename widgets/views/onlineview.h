#pragma once
// Online mode in the app: one episode drawn over time (arrivals, the pool, the dispatches) for
// a chosen planner and policy, watched task by task with the plan page's player, and DDPG
// training in the background with a live training curve.

#include "core/learning/ddpg.h"
#include "core/learning/policy.h"
#include "core/model/onlinepolicy.h"
#include "core/online/online.h"
#include "widgets/document/backgroundjob.h"
#include "widgets/views/animationdialog.h"
#include "widgets/views/timelineview.h"

#include <QComboBox>
#include <QLayout>
#include <QObject>
#include <QPushButton>
#include <QString>
#include <QWidget>
#include <QtGlobal>

#include <optional>
#include <variant>
#include <vector>

class QDoubleSpinBox;
class QLabel;

namespace coinfer {

class ChartView;
class PlayerControls;
class ScenarioDocument;
class SchedulePlayer;

/// What the episode worker hands back: the totals, the slot record and the episode's timeline
/// (built there too, as it costs O(tasks log tasks)).
struct EpisodeRun {
    OnlineResult result;
    OnlineRecord record;
    TimelineModel timeline;
};

class OnlineView : public QWidget {
    Q_OBJECT

public:
    explicit OnlineView(ScenarioDocument* document, QWidget* parent = nullptr);
    ~OnlineView() override;

    /// Runs one episode (the scenario's first trace) in the background and draws it. With the
    /// "trained DDPG" policy it runs the policy the last training handed over, and refuses (says
    /// so in the summary) while there is none, which is the case while a training runs.
    void runEpisode();
    /// Trains DDPG for @p episodes in the background; the curve grows after every episode. The
    /// previous trained policy is dropped; the new one reaches this view through the training's
    /// future when it ends, finished or stopped, and trainingFinished() follows.
    /// Trains for @p episodes with hidden layers of @p hidden units (empty: the default sizes).
    void train(int episodes, std::vector<int> hidden = {});
    /// Asks the training under way to stop after its current episode; it then hands over the
    /// best policy so far. Does nothing when no training runs.
    void cancelTraining();
    /// Whether an episode or a training is running in the background.
    bool isBusy() const;

    ChartView* episodeChart() const { return m_episode; }
    /// The episode task by task (a lane per task in release order, the GPU's rounds) and its player.
    TimelineView* timeline() const { return m_timeline; }
    SchedulePlayer* player() const { return m_player; }
    /// Writes the episode's animation (the player's view, from 0 to the end) as the dialog's
    /// settings say; statusMessage() confirms it at the end.
    void exportAnimationAs(const AnimationSettings& settings);
    ChartView* trainingChart() const { return m_training; }
    QLabel* summary() const { return m_summary; }
    /// The note that the episode or training on show was run on an earlier scenario.
    QLabel* staleBanner() const { return m_staleBanner; }
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* trainButton() const { return m_trainButton; }
    /// "Use threshold T": shown after a training whose policy loses to the best fixed threshold
    /// T on the evaluation traces; it chooses that rule.
    QPushButton* useFixedRuleButton() const { return m_useFixedRule; }
    /// Whether the scenario has an "online" block: without one the page shows a sentence in
    /// place of empty axes and its buttons are disabled.
    bool hasOnlineBlock() const;

signals:
    /// An episode has been drawn and summarised.
    void episodeShown();
    /// Training episode @p episode has been added to the training curve.
    void trainingEpisode(int episode);
    /// A training has ended and handed over its policy, if it trained one.
    void trainingFinished();
    /// A line for the status bar (an animation written).
    void statusMessage(const QString& text);

private:
    /// The planner and policy choosers and the run and train buttons.
    QLayout* createControls();
    /// The player's row over the episode's timeline.
    QWidget* createWatch();
    void exportAnimation();
    void setUpCharts();
    /// Asks for a number of episodes and trains, or stops the training under way.
    void trainOrStop();
    /// Why a DDPG agent has little to learn with IP-SSA: the planner's tooltip and the end of an
    /// IP-SSA training's summary.
    static QString ipSsaNote();
    /// Takes over the policy the ended training returns, and says what it achieved.
    void showTrainingDone();
    void showEpisode(const OnlineResult& result, const OnlineRecord& record);
    /// Hands the episode's timeline to the view and the player, zoomed to a few deadlines.
    void showTimeline(TimelineModel timeline);
    void addTrainingPoint(const EpisodeReport& report);
    OnlinePlanner planner() const;

    /// Enables the controls and shows the charts only when the scenario has an online block.
    void updateAvailability();
    /// Shows the episode's charts once an episode ran, the training chart once a training
    /// started, and before either one sentence that says what to do.
    void updateShownParts();
    /// Shows the stale note when the episode or training on show was run on an earlier scenario.
    void refreshStaleBanner();
    /// Another scenario was opened: nothing on show, and no policy trained for the old one.
    void forgetResults();
    ScenarioDocument* m_document;
    QComboBox* m_planner;
    QComboBox* m_policy;
    QDoubleSpinBox* m_threshold;
    QPushButton* m_trainButton;
    QPushButton* m_useFixedRule;
    double m_fixedThreshold = 0; ///< the rule m_useFixedRule chooses
    QLabel* m_summary;
    QPushButton* m_runButton = nullptr;
    QWidget* m_charts = nullptr;
    QWidget* m_watch = nullptr;
    QLabel* m_staleBanner;
    bool m_hasEpisode = false;      ///< an episode is on show
    bool m_hasTraining = false;     ///< a training's curve is on show
    quint64 m_runRevision = 0;      ///< the document's revision when the episode running started
    quint64 m_episodeRevision = 0;  ///< ... when the episode on show started
    quint64 m_trainingRevision = 0; ///< ... when the training running or on show started
    ChartView* m_episode;
    ChartView* m_training;
    TimelineView* m_timeline;
    SchedulePlayer* m_player;
    PlayerControls* m_playerControls = nullptr;
    Job<EpisodeRun> m_episodeJob;
    /// Training hands each episode's report over as an update, and its best policy at the end.
    Job<JudgedPolicy, EpisodeReport> m_trainingJob;
    /// The policy the last training handed over; only the GUI thread reads or writes it.
    std::optional<DdpgPolicy> m_trained;

public:
    /// The policy the last training handed over, or nullptr. For tests.
    const DdpgPolicy* trainedPolicy() const { return m_trained ? &*m_trained : nullptr; }
};

} // namespace coinfer
