#pragma once
// One plan in detail: per-user energy against computing locally (split into computing and
// uploading), the partition points as a histogram, and the static timeline.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QWidget>

class QLayout;

namespace coinfer {

class ChartView;
class SchedulePlayer;
class TimelineView;

class PlanView : public QWidget {
    Q_OBJECT

public:
    explicit PlanView(QWidget* parent = nullptr);

    /// Shows @p plan of @p scenario. O(M + batches).
    void showPlan(const Scenario& scenario, const Plan& plan);
    /// Shows @p other (another planner's plan of the same scenario) under the main timeline on
    /// the same time axis; nullptr hides it.
    void showComparison(const Scenario& scenario, const Plan* other);
    TimelineView* comparisonTimeline() const { return m_compareTimeline; }
    /// Highlights one user in every chart (-1: none).
    void selectUser(int user);
    TimelineView* timeline() const { return m_timeline; }
    ChartView* energyChart() const { return m_energy; }
    ChartView* partitionChart() const { return m_partitions; }
    SchedulePlayer* player() const { return m_player; }

signals:
    void userClicked(int user);

private:
    /// The player's buttons, speed, scrub bar and animation export, with their shortcuts.
    QLayout* createPlayerControls();
    /// The charts above the timelines, the comparison timeline hidden until asked for.
    QWidget* createChartsAndTimelines();
    /// Asks for a format, frame rate, length, size and target, then writes the animation in the
    /// background with a progress dialog.
    void exportAnimation();
    void showEnergy(const Scenario& scenario, const Plan& plan);
    void showPartitions(const Scenario& scenario, const Plan& plan);

    ChartView* m_energy;
    ChartView* m_partitions;
    TimelineView* m_timeline;
    TimelineView* m_compareTimeline;
    SchedulePlayer* m_player;
    int m_userCount = 0;
};

} // namespace coinfer
