#pragma once
// One plan in detail: per-user energy against computing locally (split into computing and
// uploading), the partition points as a histogram, and the static timeline.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;

namespace coinfer {

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
    QCustomPlot* energyChart() const { return m_energy; }
    QCustomPlot* partitionChart() const { return m_partitions; }
    SchedulePlayer* player() const { return m_player; }

signals:
    void userClicked(int user);

private:
    QCustomPlot* m_energy;
    QCustomPlot* m_partitions;
    TimelineView* m_timeline;
    TimelineView* m_compareTimeline;
    SchedulePlayer* m_player;
    int m_userCount = 0;
};

} // namespace coinfer
