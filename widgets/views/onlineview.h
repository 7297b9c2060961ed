#pragma once
// Online mode in the app: one episode drawn over time (arrivals, the pool, the dispatches) for
// a chosen planner and policy, and DDPG training in the background with a live training curve.

#include "core/learning/ddpg.h"
#include "core/online/online.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QPushButton;

namespace coinfer {

class ChartView;
class ScenarioDocument;

class OnlineView : public QWidget {
    Q_OBJECT

public:
    explicit OnlineView(ScenarioDocument* document, QWidget* parent = nullptr);
    ~OnlineView() override;

    /// Runs one episode (the scenario's first trace) in the background and draws it.
    void runEpisode();
    /// Trains DDPG for @p episodes in the background; the curve grows after every episode.
    void train(int episodes);
    void cancelTraining();
    bool isBusy() const;

    ChartView* episodeChart() const { return m_episode; }
    ChartView* trainingChart() const { return m_training; }
    QLabel* summary() const { return m_summary; }

signals:
    void episodeShown();
    void trainingEpisode(int episode);
    void trainingFinished();

private:
    /// The planner and policy choosers and the run and train buttons.
    QLayout* createControls();
    void setUpCharts();
    /// Asks for a number of episodes and trains, or stops the training under way.
    void trainOrStop();
    void showTrainingDone();
    void showEpisode(const OnlineResult& result, const OnlineRecord& record);
    void addTrainingPoint(const EpisodeReport& report);
    OnlinePlanner planner() const;

    ScenarioDocument* m_document;
    QComboBox* m_planner;
    QComboBox* m_policy;
    QDoubleSpinBox* m_threshold;
    QPushButton* m_trainButton;
    QLabel* m_summary;
    ChartView* m_episode;
    ChartView* m_training;
    QFutureWatcher<std::pair<OnlineResult, OnlineRecord>> m_episodeWatcher;
    QFutureWatcher<void> m_trainingWatcher;
    std::shared_ptr<std::atomic<bool>> m_stopTraining;
    std::shared_ptr<DdpgPolicy> m_trained;
};

} // namespace coinfer
