#pragma once
// One plan in detail: its charts (PlanCharts) above its timeline, the player that animates the
// timeline, and a second plan's timeline to compare with.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QWidget>

class QLayout;

namespace coinfer {

class ChartView;
class PlanCharts;
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
    PlanCharts* charts() const { return m_charts; }
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

    PlanCharts* m_charts;
    TimelineView* m_timeline;
    TimelineView* m_compareTimeline;
    SchedulePlayer* m_player;
};

} // namespace coinfer
